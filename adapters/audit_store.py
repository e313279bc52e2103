"""The agents' audit log as supervisors query it: every agent read, kept per day, newest
first, filterable by agent, number and time, paged with an opaque cursor.

In Redis (shared by every process, surviving a restart): one stream per UTC day
(`<namespace>:audit:<YYYY-MM-DD>`), capped at about `per_day` entries (XADD MAXLEN ~) and
expiring `retention_days` after its day, so the store is bounded in size and in age.
Without Redis (the demo) a bounded list in process. The JSON-lines log (adapters/audit.py)
stays the complete record the platform ships; this store is the supervisors' view of it,
so a failed write is logged and does not refuse the agent's read.
"""

from __future__ import annotations

import base64
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import orjson

from adapters.audit import AuditEntry


class InvalidCursorError(ValueError):
    """The `after` cursor is not one this store gave out."""


class AuditStoreUnavailableError(Exception):
    """The store cannot be read now (Redis down)."""


@dataclass(frozen=True, slots=True)
class AuditFilter:
    agent: str | None = None
    msisdn: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive

    def admits(self, entry: AuditEntry) -> bool:
        return (
            (self.agent is None or entry.agent == self.agent)
            and (self.msisdn is None or entry.msisdn == self.msisdn)
            and (self.since is None or entry.at >= self.since)
            and (self.until is None or entry.at < self.until)
        )


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: tuple[AuditEntry, ...]
    # Where the next page starts; None when there is none.
    end_cursor: str | None


class AuditStore(Protocol):
    def append(self, entry: AuditEntry) -> None:
        """Keep the entry; it may reach the store a moment later (never awaited by a read)."""

    async def page(self, where: AuditFilter, first: int, after: str | None) -> AuditPage: ...

    async def close(self) -> None: ...


def decode_entry(raw: bytes) -> AuditEntry:
    data = orjson.loads(raw)
    return AuditEntry(
        at=datetime.fromisoformat(data["at"]),
        agent=data["agent"],
        msisdn=data["msisdn"],
        fields=tuple(data["fields"]),
        request_id=data["requestId"],
    )


def cursor(*parts: str) -> str:
    return base64.urlsafe_b64encode("|".join(parts).encode()).decode()


def uncursor(cursor: str, parts: int) -> list[str]:
    try:
        values = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursorError("the cursor is not valid") from exc
    if len(values) != parts:
        raise InvalidCursorError("the cursor is not valid")
    return values


class MemoryAuditStore:
    """In process (no Redis): the newest `limit` entries."""

    def __init__(self, limit: int) -> None:
        self._entries: deque[tuple[int, AuditEntry]] = deque(maxlen=limit)
        self._next = 0

    def append(self, entry: AuditEntry) -> None:
        self._next += 1
        self._entries.append((self._next, entry))

    async def close(self) -> None:
        return None

    async def page(self, where: AuditFilter, first: int, after: str | None) -> AuditPage:
        below = None
        if after is not None:
            try:
                below = int(uncursor(after, 1)[0])
            except ValueError as exc:
                raise InvalidCursorError("the cursor is not valid") from exc
        found: list[tuple[int, AuditEntry]] = []
        for number, entry in reversed(self._entries):
            if below is not None and number >= below:
                continue
            if where.admits(entry):
                found.append((number, entry))
                if len(found) > first:
                    break
        more = len(found) > first
        shown = found[:first]
        end = cursor(str(shown[-1][0])) if more and shown else None
        return AuditPage(tuple(e for _, e in shown), end)
