"""Idempotency keys in process (the demo; one process)."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.clock import Clock
from adapters.idempotency.port import Claim, ClaimState


@dataclass
class _Entry:
    fingerprint: str
    expires_at: float
    result: bytes | None = None


@dataclass
class MemoryIdempotencyStore:
    clock: Clock
    _entries: dict[str, _Entry] = field(default_factory=dict)

    async def claim(self, key: str, fingerprint: str, running_ttl: float) -> Claim:
        now = self.clock.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry.expires_at <= now:
            entry = None
        if entry is None:
            self._entries[key] = _Entry(fingerprint, now + running_ttl)
            return Claim(ClaimState.CLAIMED)
        if entry.fingerprint != fingerprint:
            return Claim(ClaimState.CONFLICT)
        if entry.result is None:
            return Claim(ClaimState.RUNNING)
        return Claim(ClaimState.DONE, entry.result)

    async def finish(self, key: str, result: bytes, keep: float) -> None:
        entry = self._entries.get(key)
        if entry is not None:
            entry.result = result
            entry.expires_at = self.clock.monotonic() + keep
        # Bounded by time: drop what has expired whenever something finishes.
        now = self.clock.monotonic()
        for stale in [k for k, e in self._entries.items() if e.expires_at <= now]:
            del self._entries[stale]

    async def release(self, key: str) -> None:
        entry = self._entries.get(key)
        if entry is not None and entry.result is None:
            del self._entries[key]
