"""OCS timestamps: ``2026-11-01T00:00:00.000``, no ``Z`` and no offset, meaning UTC.

The system writes them that way and answers 400 to a request body whose timestamp has a
``Z``, so what we send is written the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.clock import parse_timestamp


def parse_ocs_timestamp(text: str) -> datetime:
    """A naive OCS timestamp as an aware UTC datetime (an offset, should one appear, is
    honoured rather than rejected)."""
    return parse_timestamp(text)


def format_ocs_timestamp(moment: datetime) -> str:
    """``2026-11-25T11:50:05.123``: UTC, milliseconds, no zone designator."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}"
