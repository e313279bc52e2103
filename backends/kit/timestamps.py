"""RFC 3339 timestamps as the TMF bodies carry them (UTC, with a ``Z``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time


def format_timestamp(moment: datetime) -> str:
    """``2026-11-01T00:00:00Z``; sub-second precision is dropped, no client needs it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    """An RFC 3339 timestamp or a bare date (midnight UTC); a naive time is taken as UTC.

    Raises ValueError on anything else.
    """
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def utc_now() -> datetime:
    return datetime.now(UTC)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)
