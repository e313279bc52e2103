from __future__ import annotations

from adapters.cache.memory import MemoryCache
from tests.harness.clock import FakeClock


async def test_entries_expire_with_the_clock() -> None:
    clock = FakeClock()
    cache = MemoryCache(clock)
    await cache.set_many({"a": b"1"}, ttl=30)
    assert await cache.get_many(["a", "b"]) == [b"1", None]
    clock.advance(29.9)
    assert await cache.get_many(["a"]) == [b"1"]
    clock.advance(0.2)
    assert await cache.get_many(["a"]) == [None]


async def test_the_cache_is_bounded_oldest_out_first() -> None:
    cache = MemoryCache(FakeClock(), max_entries=100)
    await cache.set_many({f"k{i}": b"x" for i in range(150)}, ttl=60)
    found = await cache.get_many([f"k{i}" for i in range(150)])
    assert found[:50] == [None] * 50
    assert found[50:] == [b"x"] * 100


async def test_delete() -> None:
    cache = MemoryCache(FakeClock())
    await cache.set_many({"a": b"1", "b": b"2"}, ttl=60)
    await cache.delete_many(["a"])
    assert await cache.get_many(["a", "b"]) == [None, b"2"]
