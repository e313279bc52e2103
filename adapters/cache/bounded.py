"""A map of at most so many entries, the oldest dropped first: what the per-process memos
keep (entries decoded by their bytes, values derived from records by the records'
identity). A dict keeps its insertion order, so the oldest is the first key."""

from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Bounded(Generic[K, V]):
    __slots__ = ("_kept", "_size", "get")

    def __init__(self, size: int) -> None:
        self._size = size
        self._kept: dict[K, V] = {}
        # The dict's own lookup, bound once: hot paths call it per entry.
        self.get = self._kept.get

    def __len__(self) -> int:
        return len(self._kept)

    def put(self, key: K, value: V) -> None:
        kept = self._kept
        if key not in kept and len(kept) >= self._size:
            del kept[next(iter(kept))]
        kept[key] = value
