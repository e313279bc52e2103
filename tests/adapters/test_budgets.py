"""The security store's budgets (`spend`, `refund`), in Redis and in process alike: taken
only while there is room, given back exactly, each window on its own."""

from __future__ import annotations

from adapters.security.port import SecurityStore
from tests.harness.clock import FakeClock


async def test_spend_takes_only_while_there_is_room(
    store_and_clock: tuple[SecurityStore, FakeClock],
) -> None:
    store, _ = store_and_clock
    slots = [await store.spend("k", 3600, 2) for _ in range(4)]
    assert slots[0] is not None
    assert slots == [slots[0], slots[0], None, None], "a refusal counts nothing"
    await store.refund("k", 3600, slots[0])
    assert await store.spend("k", 3600, 2) == slots[0]
    assert await store.spend("k", 3600, 2) is None


async def test_refund_never_goes_below_zero(
    store_and_clock: tuple[SecurityStore, FakeClock],
) -> None:
    store, _ = store_and_clock
    slot = await store.spend("k", 60, 1)
    assert slot is not None
    for _ in range(3):
        await store.refund("k", 60, slot)
    assert await store.spend("k", 60, 1) == slot
    assert await store.spend("k", 60, 1) is None


async def test_each_window_has_its_own_budget_and_refunds_go_to_theirs(
    store_and_clock: tuple[SecurityStore, FakeClock],
) -> None:
    store, clock = store_and_clock
    first = await store.spend("k", 60, 1)
    assert first is not None
    clock.advance(60)
    second = await store.spend("k", 60, 1)
    assert second == first + 1
    # A refund of the old window's spending leaves the new window's alone.
    await store.refund("k", 60, first)
    assert await store.spend("k", 60, 1) is None
    # And spend shares its count with hit (one counter per key and window).
    assert await store.hit("k", 60) == 2
