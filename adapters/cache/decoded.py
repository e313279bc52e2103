"""Cache entries decoded once per process: a warm screen reads the same bytes again and
again (a balance, a number's products), and decoding them was a tenth of a dashboard.

Kept by the entry's bytes, so an entry changed in the shared cache is other bytes and is
decoded afresh: nothing here can be stale. The values are immutable records shared by
every request reading those bytes; sequences are kept as tuples so that no reader can
change another's. At most `size` values are kept, the oldest dropped first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

V = TypeVar("V")

_MISSING: Any = object()


class Decoded(Generic[V]):
    def __init__(self, decode: Callable[[bytes], V], size: int = 4096) -> None:
        self._decode = decode
        self._size = size
        self._kept: dict[bytes, V] = {}

    def __call__(self, raw: bytes) -> V:
        kept = self._kept
        value = kept.get(raw, _MISSING)
        if value is not _MISSING:
            return value  # type: ignore[no-any-return]
        value = self._decode(raw)
        if isinstance(value, list):
            value = tuple(value)
        if len(kept) >= self._size:
            # The oldest first: dicts keep their insertion order.
            del kept[next(iter(kept))]
        kept[raw] = value
        return value  # type: ignore[no-any-return]
