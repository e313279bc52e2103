"""Pending links of many owners in one round trip, in Redis and in process alike."""

from __future__ import annotations

from adapters.security.port import SecurityStore
from tests.harness.clock import FakeClock


async def test_pending_many_answers_every_owner(
    store_and_clock: tuple[SecurityStore, FakeClock],
) -> None:
    store, clock = store_and_clock
    await store.put_pending("+79000000001", "+79000000002", "Папа", ttl=300)
    await store.put_pending("+79000000001", "+79000000003", None, ttl=60)
    await store.put_pending("+79000000004", "+79000000005", "Мама", ttl=300)
    owners = ["+79000000001", "+79000000004", "+79000000006"]
    assert await store.pending_many(owners) == {
        "+79000000001": {"+79000000002": "Папа", "+79000000003": None},
        "+79000000004": {"+79000000005": "Мама"},
        "+79000000006": {},
    }
    clock.advance(61)
    found = await store.pending_many(owners)
    assert found["+79000000001"] == {"+79000000002": "Папа"}, "the expired one is gone"
    assert await store.pending("+79000000001") == found["+79000000001"]
    assert await store.pending_many([]) == {}
