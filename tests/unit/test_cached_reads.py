"""Cached per-number reads: one load for concurrent misses, no stale write after a change,
absent values kept, unreadable entries re-read."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from adapters.cache.flights import SharedLoads
from adapters.cache.memory import MemoryCache
from adapters.cache.reads import CachedReads, ReadCaches
from domain.provisioning import CustomerRecord
from tests.harness.clock import FakeClock


class GatedBackend:
    """Answers `value` for every key, once `gate` is set; records what it was asked."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.asked: list[list[str]] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.started = asyncio.Event()

    async def fetch(self, keys: Sequence[str]) -> Mapping[str, str]:
        self.asked.append(list(keys))
        self.started.set()
        await self.gate.wait()
        return {k: self.value for k in keys}


async def test_concurrent_misses_share_one_load() -> None:
    backend = GatedBackend("v")
    stored: list[dict[str, str]] = []

    async def store(keys: Sequence[str], loaded: Mapping[str, str]) -> None:
        stored.append({k: loaded[k] for k in keys})

    loads = SharedLoads(backend.fetch, store)
    backend.gate.clear()
    first = asyncio.ensure_future(loads.load(["a", "b"]))
    second = asyncio.ensure_future(loads.load(["b", "c"]))
    await backend.started.wait()  # tasks run in order: both callers have asked by now
    backend.gate.set()
    assert await first == {"a": "v", "b": "v"}
    assert await second == {"b": "v", "c": "v"}
    assert backend.asked == [["a", "b"], ["c"]], "b was loaded once"
    assert stored == [{"a": "v", "b": "v"}, {"c": "v"}]


async def test_a_key_changed_during_its_load_is_not_stored() -> None:
    backend = GatedBackend("before the change")
    stored: list[list[str]] = []

    async def store(keys: Sequence[str], loaded: Mapping[str, str]) -> None:
        stored.append(list(keys))

    loads = SharedLoads(backend.fetch, store)
    backend.gate.clear()
    pending = asyncio.ensure_future(loads.load(["a", "b"]))
    await backend.started.wait()
    loads.forget(["a"])
    backend.gate.set()
    assert await pending == {"a": "before the change", "b": "before the change"}
    assert stored == [["b"]]
    # And the next read of `a` loads afresh instead of joining the old flight.
    backend.value = "after"
    assert await loads.load(["a"]) == {"a": "after"}


async def test_one_caller_cancelled_does_not_fail_the_others() -> None:
    backend = GatedBackend("v")

    async def store(keys: Sequence[str], loaded: Mapping[str, str]) -> None:
        return None

    loads = SharedLoads(backend.fetch, store)
    backend.gate.clear()
    impatient = asyncio.ensure_future(loads.load(["a"]))
    patient = asyncio.ensure_future(loads.load(["a"]))
    await backend.started.wait()
    impatient.cancel()
    backend.gate.set()
    assert await patient == {"a": "v"}
    assert backend.asked == [["a"]]


def _customers(cache: MemoryCache, fetch: GatedCustomers) -> CachedReads[CustomerRecord]:
    return ReadCaches(cache, "t", ttl=30).of("customer", fetch, CustomerRecord)


class GatedCustomers:
    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, msisdns: Sequence[str]) -> Mapping[str, CustomerRecord]:
        self.calls += 1
        # Numbers ending in 0 are unknown to the backend.
        return {m: CustomerRecord(m, "Anna", "Moscow") for m in msisdns if not m.endswith("0")}


async def test_unknown_numbers_are_kept_as_absent() -> None:
    fetch = GatedCustomers()
    reads = _customers(MemoryCache(FakeClock()), fetch)
    assert await reads.get(["+79000000010", "+79000000011"]) == {
        "+79000000011": CustomerRecord("+79000000011", "Anna", "Moscow")
    }
    assert await reads.get(["+79000000010", "+79000000011"]) == {
        "+79000000011": CustomerRecord("+79000000011", "Anna", "Moscow")
    }
    assert fetch.calls == 1


async def test_an_unreadable_entry_is_a_miss() -> None:
    cache = MemoryCache(FakeClock())
    fetch = GatedCustomers()
    reads = _customers(cache, fetch)
    await cache.set_many({reads.key("+79000000011"): b'{"msisdn": 7}'}, ttl=30)
    found = await reads.get(["+79000000011"])
    assert found["+79000000011"].name == "Anna"
    assert fetch.calls == 1
    await reads.get(["+79000000011"])
    assert fetch.calls == 1, "the re-read replaced the bad entry"
