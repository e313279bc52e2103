"""The agents' audit store in Redis (see adapters/audit_store.py): one stream per UTC day,
capped and expiring, read newest first."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.audit import AuditEntry
from adapters.audit_store import (
    AuditFilter,
    AuditPage,
    AuditStoreUnavailableError,
    InvalidCursorError,
    cursor,
    decode_entry,
    uncursor,
)
from adapters.clock import Clock
from adapters.redis_guard import RedisGuard

log = logging.getLogger(__name__)

# Entries read from Redis per round trip while filling a page.
_SCAN = 500
# Entries waiting for Redis at most (Redis slow or down); more are dropped from the store
# (never from the JSON-lines log).
_PENDING_MAX = 10_000
# Entries of one day appended by one script call at most: Redis runs a script alone.
_CHUNK = 500

# A day's entries in one command (a dashboard's fifty reads: one command to pack and one
# reply to parse, not fifty), then the stream's expiry. KEYS[1]: the day's stream;
# ARGV: the cap, the seconds left to live, then the entries.
_APPEND = """
for i = 3, #ARGV do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[i])
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return #ARGV - 2
"""


class RedisAuditStore:
    def __init__(
        self,
        redis: Redis,
        namespace: str,
        guard: RedisGuard,
        clock: Clock,
        *,
        per_day: int,
        retention_days: int,
    ) -> None:
        self._redis = redis
        self._prefix = f"{namespace}:audit:"
        self._guard = guard
        self._per_day = per_day
        self._retention = retention_days
        self._clock = clock
        self._pending: list[AuditEntry] = []
        self._dropped = 0
        self._writing: asyncio.Task[None] | None = None
        self._append = redis.register_script(_APPEND)

    def _key(self, day: date) -> str:
        return f"{self._prefix}{day.isoformat()}"

    def append(self, entry: AuditEntry) -> None:
        # Written after the request's current step, all of a step's reads in one round
        # trip: awaiting Redis inside the read would split the request's dataloader
        # batches (one backend call per number instead of one per resource).
        if len(self._pending) >= _PENDING_MAX:
            self._dropped += 1
            return
        self._pending.append(entry)
        if self._writing is None:
            # A context of its own: not bound by the deadline of the request that read.
            self._writing = asyncio.create_task(self._write(), context=contextvars.Context())

    async def _write(self) -> None:
        try:
            while self._pending:
                entries, self._pending = self._pending, []
                by_day: dict[date, list[bytes]] = {}
                for entry in entries:
                    by_day.setdefault(entry.at.astimezone(UTC).date(), []).append(entry.to_json())
                now = self._clock.now()
                try:
                    for day, lines in by_day.items():
                        expires = datetime.combine(
                            day + timedelta(days=self._retention + 1), datetime.min.time(), UTC
                        )
                        # Seconds from now by our clock, not an instant: Redis's own clock
                        # may differ from the gateway's (and does under a moved test clock).
                        left = max(1, int((expires - now).total_seconds()))
                        for at in range(0, len(lines), _CHUNK):
                            chunk = lines[at : at + _CHUNK]
                            args: list[bytes | int] = [self._per_day, left, *chunk]
                            await self._guard.bounded(
                                self._append(keys=[self._key(day)], args=args)
                            )
                except (RedisError, OSError) as exc:
                    log.warning(
                        "%d audit entries not stored (they are in the audit log): %s",
                        len(entries),
                        exc,
                    )
            if self._dropped:
                log.warning("%d audit entries not stored: too many waiting", self._dropped)
                self._dropped = 0
        finally:
            self._writing = None

    async def flush(self) -> None:
        """Wait until what was appended so far is in Redis (or failed to get there)."""
        while self._writing is not None:
            await asyncio.shield(self._writing)

    async def close(self) -> None:
        await self.flush()

    async def page(self, where: AuditFilter, first: int, after: str | None) -> AuditPage:
        # This process's own recent reads are in what the supervisor sees.
        await self.flush()
        newest = self._clock.now().astimezone(UTC).date()
        oldest = newest - timedelta(days=self._retention)
        if where.until is not None:
            newest = min(newest, (where.until - timedelta(microseconds=1)).astimezone(UTC).date())
        if where.since is not None:
            oldest = max(oldest, where.since.astimezone(UTC).date())
        below: str | None = None
        cursor_day: date | None = None
        if after is not None:
            day_text, below = uncursor(after, 2)
            try:
                cursor_day = date.fromisoformat(day_text)
            except ValueError as exc:
                raise InvalidCursorError("the cursor is not valid") from exc
            newest = min(newest, cursor_day)
        found: list[tuple[date, bytes, AuditEntry]] = []
        day = newest
        try:
            while day >= oldest and len(found) <= first:
                top = f"({below}" if below is not None and day == cursor_day else "+"
                found.extend(await self._scan_day(day, top, where, first + 1 - len(found)))
                day -= timedelta(days=1)
        except (RedisError, OSError) as exc:
            raise AuditStoreUnavailableError("the audit store cannot be read now") from exc
        more = len(found) > first
        shown = found[:first]
        end = None
        if more and shown:
            last_day, last_id, _ = shown[-1]
            end = cursor(last_day.isoformat(), last_id.decode())
        return AuditPage(tuple(e for _, _, e in shown), end)

    async def _scan_day(
        self, day: date, top: str, where: AuditFilter, wanted: int
    ) -> Sequence[tuple[date, bytes, AuditEntry]]:
        found: list[tuple[date, bytes, AuditEntry]] = []
        key = self._key(day)
        while len(found) < wanted:
            read = await self._guard.bounded(self._redis.xrevrange(key, top, "-", count=_SCAN))
            batch = cast("list[tuple[bytes, dict[bytes, bytes]]]", read or [])
            for stream_id, values in batch:
                entry = decode_entry(values[b"e"])
                if where.admits(entry):
                    found.append((day, stream_id, entry))
                    if len(found) == wanted:
                        break
            if len(batch) < _SCAN:
                break
            top = f"({batch[-1][0].decode()}"
        return found
