"""Persisted queries in process (the demo; one process)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping


class MemoryPersistedQueries:
    def __init__(self, max_learned: int = 10_000) -> None:
        self._learned: OrderedDict[str, str] = OrderedDict()
        self._registered: dict[str, str] = {}
        self._max = max_learned

    async def get(self, sha256: str) -> str | None:
        return self._registered.get(sha256) or self._learned.get(sha256)

    async def remember(self, sha256: str, query: str) -> None:
        self._learned[sha256] = query
        self._learned.move_to_end(sha256)
        while len(self._learned) > self._max:
            self._learned.popitem(last=False)

    async def registered(self, sha256: str) -> str | None:
        return self._registered.get(sha256)

    async def register(self, operations: Mapping[str, str]) -> int:
        self._registered.update(operations)
        return len(operations)
