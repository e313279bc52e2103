"""Values derived from records, kept by the records' identity (adapters/cache/derived.py)."""

from __future__ import annotations

from adapters.cache.derived import Derived, DerivedFromTwo


def test_a_value_is_made_once_per_source_object_and_afresh_for_another() -> None:
    made: list[tuple[int, ...]] = []

    def total(source: tuple[int, ...]) -> int:
        made.append(source)
        return sum(source)

    derived = Derived(total, size=2)
    first, equal = (1, 2), tuple([1, 2])
    assert first is not equal
    assert derived(first) == 3
    assert derived(first) == 3
    assert made == [(1, 2)], "the same object: kept"
    # Equal but another object (a record read again): made again, as it may differ in
    # what equality does not compare; nothing is kept by mere equality.
    assert derived(equal) == 3
    assert len(made) == 2

    # At most two kept: a third drops the oldest, which is then made again.
    third = (5,)
    assert derived(third) == 5
    derived(first)
    assert made == [(1, 2), (1, 2), (5,), (1, 2)]


def test_a_value_from_two_sources_is_kept_for_that_pair_only() -> None:
    made: list[str] = []

    def joined(first: list[str], second: list[str]) -> str:
        made.append("x")
        return "".join(first + second)

    derived = DerivedFromTwo(joined)
    a, b, c = ["a"], ["b"], ["c"]
    assert derived(a, b) == "ab"
    assert derived(a, b) == "ab"
    assert derived(a, c) == "ac"
    assert derived(c, b) == "cb"
    assert len(made) == 3


def test_a_kept_value_holds_its_source_so_its_id_is_never_anothers() -> None:
    derived = Derived(len)
    assert derived([1, 2, 3]) == 3
    # The first list is held by the memo: a new list cannot take its id, so the kept
    # length is never answered for another list.
    for size in range(50):
        assert derived(list(range(size))) == size
