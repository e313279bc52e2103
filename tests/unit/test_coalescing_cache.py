"""Reads in one turn of the event loop reach the cache as one read."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

import pytest

from adapters.cache.coalescing import CoalescingCache
from adapters.cache.memory import MemoryCache
from tests.harness.clock import FakeClock


class CountingCache(MemoryCache):
    def __init__(self) -> None:
        super().__init__(FakeClock())
        self.reads: list[list[str]] = []
        self.fail: Exception | None = None
        self.reading = asyncio.Event()
        self.gate = asyncio.Event()
        self.gate.set()

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        self.reads.append(list(keys))
        self.reading.set()
        await self.gate.wait()
        if self.fail is not None:
            raise self.fail
        return await super().get_many(keys)

    async def set_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        await super().set_many(items, ttl)


async def test_reads_of_one_turn_are_one_read() -> None:
    inner = CountingCache()
    await inner.set_many({"a": b"1", "c": b"3"}, ttl=60)
    cache = CoalescingCache(inner)
    found = await asyncio.gather(
        cache.get_many(["a", "b"]), cache.get_many(["c"]), cache.get_many(["a"])
    )
    assert list(found) == [[b"1", None], [b"3"], [b"1"]]
    assert inner.reads == [["a", "b", "c"]]
    # A later turn is a later read.
    assert await cache.get_many(["c"]) == [b"3"]
    assert len(inner.reads) == 2


async def test_a_failed_read_fails_every_caller_of_its_turn() -> None:
    inner = CountingCache()
    inner.fail = ConnectionError("down")
    cache = CoalescingCache(inner)
    results = await asyncio.gather(
        cache.get_many(["a"]), cache.get_many(["b"]), return_exceptions=True
    )
    assert [type(r) for r in results] == [ConnectionError, ConnectionError]
    inner.fail = None
    assert await cache.get_many(["a"]) == [None]


async def test_a_cancelled_caller_leaves_the_others_their_answer() -> None:
    inner = CountingCache()
    await inner.set_many({"b": b"2"}, ttl=60)
    cache = CoalescingCache(inner)
    inner.gate.clear()
    gone = asyncio.ensure_future(cache.get_many(["a"]))
    kept = asyncio.ensure_future(cache.get_many(["b"]))
    await inner.reading.wait()  # the turn's read is under way, for both
    gone.cancel()
    inner.gate.set()
    assert await kept == [b"2"]
    with pytest.raises(asyncio.CancelledError):
        await gone
