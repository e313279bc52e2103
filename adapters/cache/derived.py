"""Values worked out from records, kept with the very records they came from.

A kept read decoded once (adapters/cache/decoded.py) is the same object on every screen
until it changes, and so are the catalog and the partner offers kept in process: a value
worked out from such records (a number's tariff as configured, its spending totals, the
types a screen answers) is worked out once per process, not once per field and request.

Kept by the identity of its sources, which are held beside it: an id cannot become
another object's while its entry lives, and records that change are other objects, so
nothing kept here can be stale. A value must depend on nothing but its sources, and is
shared by every request: immutable records and tuples only. At most `size` are kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from adapters.cache.bounded import Bounded

A = TypeVar("A")
B = TypeVar("B")
V = TypeVar("V")

SIZE = 4096


class Derived(Generic[V]):
    """`make(source)` kept by the identity of `source`."""

    __slots__ = ("_kept", "_make")

    def __init__(self, make: Callable[[Any], V], size: int = SIZE) -> None:
        self._make = make
        self._kept: Bounded[int, tuple[Any, V]] = Bounded(size)

    def __call__(self, source: Any) -> V:
        kept = self._kept.get(id(source))
        if kept is not None and kept[0] is source:
            return kept[1]
        value = self._make(source)
        self._kept.put(id(source), (source, value))
        return value


class DerivedFromTwo(Generic[A, B, V]):
    """`make(first, second)` kept by the identities of both."""

    __slots__ = ("_kept", "_make")

    def __init__(self, make: Callable[[A, B], V], size: int = SIZE) -> None:
        self._make = make
        self._kept: Bounded[tuple[int, int], tuple[A, B, V]] = Bounded(size)

    def __call__(self, first: A, second: B) -> V:
        key = (id(first), id(second))
        kept = self._kept.get(key)
        if kept is not None and kept[0] is first and kept[1] is second:
            return kept[2]
        value = self._make(first, second)
        self._kept.put(key, (first, second, value))
        return value
