"""The in-process cache: used by the demo and single-process setups without Redis.

Bounded, so that a scan over many numbers cannot grow the process without limit: when
full, the oldest entries go first (insertion order, refreshed on write).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence

from adapters.clock import Clock


class MemoryCache:
    def __init__(self, clock: Clock, max_entries: int = 100_000) -> None:
        self._clock = clock
        self._max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        now = self._clock.monotonic()
        found: list[bytes | None] = []
        for key in keys:
            entry = self._entries.get(key)
            if entry is None or entry[0] <= now:
                found.append(None)
            else:
                found.append(entry[1])
        return found

    async def set_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        expires_at = self._clock.monotonic() + ttl
        for key, value in items.items():
            self._entries[key] = (expires_at, value)
            self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def _live(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self._clock.monotonic():
            return None
        return entry[1]

    async def claim(self, key: str, ttl: float) -> bool:
        if self._live(key) is not None:
            return False
        await self.set_many({key: b"1"}, ttl)
        return True

    async def replace(self, key: str, expected: bytes, value: bytes, ttl: float) -> bool:
        if self._live(key) != expected:
            return False
        await self.set_many({key: value}, ttl)
        return True

    async def delete_many(self, keys: Sequence[str]) -> None:
        for key in keys:
            self._entries.pop(key, None)

    async def close(self) -> None:
        self._entries.clear()
