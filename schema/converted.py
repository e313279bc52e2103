"""The types a screen answers, converted from records once per process: kept with the
records they came from (adapters/cache/derived.py), which a warm screen reads as the same
objects again and again. Only types built from records alone are kept this way; one that
holds a request's grant (a Balance, a Subscriber) is built per request. The kept types are
shared by every request: nothing changes them once built."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from adapters.cache.derived import Derived

R = TypeVar("R")
T = TypeVar("T")


def each(convert: Callable[[R], T]) -> Callable[[Sequence[R]], list[T]]:
    """`convert` over a sequence of records, kept by the sequence's identity. A new list
    each time (of the kept objects): a caller may hold it as its own."""
    kept: Derived[tuple[T, ...]] = Derived(lambda records: tuple(map(convert, records)))

    def converted(records: Sequence[R]) -> list[T]:
        return list(kept(records))

    return converted
