"""The saga log in process (the demo and tests of one process)."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.clock import Clock


@dataclass
class MemorySagaLog:
    clock: Clock
    _records: dict[str, tuple[bytes, float | None]] = field(default_factory=dict)
    _open: dict[str, None] = field(default_factory=dict)  # insertion order: oldest first
    _leases: dict[str, tuple[str, float]] = field(default_factory=dict)

    async def create(self, saga_id: str, record: bytes) -> bool:
        if await self.load(saga_id) is not None:
            return False
        self._records[saga_id] = (record, None)
        self._open[saga_id] = None
        return True

    async def load(self, saga_id: str) -> bytes | None:
        found = self._records.get(saga_id)
        if found is None:
            return None
        record, expires = found
        if expires is not None and expires <= self.clock.monotonic():
            del self._records[saga_id]
            return None
        return record

    async def save(self, saga_id: str, record: bytes, *, finished: bool, keep: float) -> None:
        if finished:
            self._records[saga_id] = (record, self.clock.monotonic() + keep)
            self._open.pop(saga_id, None)
        else:
            self._records[saga_id] = (record, None)
            self._open.setdefault(saga_id, None)

    async def open_ids(self, limit: int) -> list[str]:
        return list(self._open)[:limit]

    async def lease(self, saga_id: str, owner: str, ttl: float) -> bool:
        now = self.clock.monotonic()
        held = self._leases.get(saga_id)
        if held is not None and held[0] != owner and held[1] > now:
            return False
        self._leases[saga_id] = (owner, now + ttl)
        return True

    async def release(self, saga_id: str, owner: str) -> None:
        held = self._leases.get(saga_id)
        if held is not None and held[0] == owner:
            del self._leases[saga_id]
