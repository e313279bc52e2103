"""Cache entries decoded once per process: a warm screen reads the same bytes again and
again (a balance, a number's products), and decoding them was a tenth of a dashboard.

Kept by the entry's bytes, so an entry changed in the shared cache is other bytes and is
decoded afresh: nothing here can be stale. The values are immutable records shared by
every request reading those bytes; sequences are kept as tuples so that no reader can
change another's. At most `size` values are kept, the oldest dropped first
(adapters/cache/bounded.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from adapters.cache.bounded import Bounded

V = TypeVar("V")

_MISSING: Any = object()


class Decoded(Generic[V]):
    def __init__(self, decode: Callable[[bytes], V], size: int = 4096) -> None:
        self._decode = decode
        self._kept: Bounded[bytes, V] = Bounded(size)

    def __call__(self, raw: bytes) -> V:
        kept: V = self._kept.get(raw, _MISSING)
        if kept is not _MISSING:
            return kept
        value = self._decode(raw)
        if isinstance(value, list):
            value = tuple(value)  # type: ignore[assignment] # a V read-only either way
        self._kept.put(raw, value)
        return value
