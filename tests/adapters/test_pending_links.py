"""Pending links of many owners in one round trip, in Redis and in process alike."""

from __future__ import annotations

from adapters.security.port import SecurityStore
from domain.security import PendingLink
from tests.harness.clock import FakeClock


async def test_pending_links_answers_every_owner_with_the_expiry(
    store_and_clock: tuple[SecurityStore, FakeClock],
) -> None:
    store, clock = store_and_clock
    await store.put_pending("+79000000001", "+79000000002", "Папа", ttl=300)
    await store.put_pending("+79000000001", "+79000000003", None, ttl=60)
    await store.put_pending("+79000000004", "+79000000005", "Мама", ttl=300)
    owners = ["+79000000001", "+79000000004", "+79000000006"]
    now = clock.now().timestamp()
    assert await store.pending_links(owners) == {
        "+79000000001": {
            "+79000000002": PendingLink("Папа", now + 300),
            "+79000000003": PendingLink(None, now + 60),
        },
        "+79000000004": {"+79000000005": PendingLink("Мама", now + 300)},
        "+79000000006": {},
    }
    clock.advance(61)
    found = await store.pending_links(owners)
    assert found["+79000000001"] == {"+79000000002": PendingLink("Папа", now + 300)}, (
        "the expired one is gone"
    )
    assert await store.pending("+79000000001") == {"+79000000002": "Папа"}
    assert await store.pending_links([]) == {}
