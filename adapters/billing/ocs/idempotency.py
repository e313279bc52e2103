"""Top-ups made at most once per idempotency key, within this process.

OCS has no idempotency of its own: every ``balanceTopup`` POST creates a bucket. So the
adapter remembers, per key, the top-up it made (or is making): a retry with the same key
gets the same bucket id without a second POST, and a concurrent duplicate waits for the
first. A top-up that failed is forgotten, so it can be retried. This does not survive a
restart and is not shared between gateway instances (docs/backends.md says so).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

# Enough for every top-up a gateway makes in hours; a key older than that is a client
# retrying after far longer than any client waits.
DEFAULT_CAPACITY = 10_000


class IdempotencyConflictError(ValueError):
    """The key was used before for a different top-up (another number or amount)."""


@dataclass(frozen=True, slots=True)
class _Entry:
    fingerprint: Hashable
    task: asyncio.Task[str]


class TopUpLedger:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    async def once(self, key: str, fingerprint: Hashable, run: Callable[[], Awaitable[str]]) -> str:
        entry = self._entries.get(key)
        if entry is None:
            entry = _Entry(fingerprint, asyncio.ensure_future(run()))
            self._entries[key] = entry
            entry.task.add_done_callback(lambda task: self._settle(key, task))
            self._evict()
        elif entry.fingerprint != fingerprint:
            raise IdempotencyConflictError(f"idempotency key {key!r} was used for another top-up")
        # shield: a caller that gives up (its request cancelled) must not cancel a top-up
        # that may already have reached OCS; it completes and is remembered.
        return await asyncio.shield(entry.task)

    def _settle(self, key: str, task: asyncio.Task[str]) -> None:
        # task.exception() also marks a failure as retrieved when no caller is left.
        if (task.cancelled() or task.exception() is not None) and (
            self._entries.get(key) is not None and self._entries[key].task is task
        ):
            del self._entries[key]

    def _evict(self) -> None:
        excess = len(self._entries) - self._capacity
        if excess <= 0:
            return
        # Oldest first; a top-up still under way is never forgotten.
        done = [key for key, entry in self._entries.items() if entry.task.done()]
        for key in done[:excess]:
            del self._entries[key]
