"""The request's loaders are aiodataloader's, built without its constructor's checks
(resolvers/loaders.py `_Loader`): what they hold must stay what the constructor sets, or
an aiodataloader upgrade would break them silently."""

from __future__ import annotations

import asyncio
from typing import Any

from aiodataloader import DataLoader

from resolvers.loaders import Reads, _Loader


async def _double(keys: list[int]) -> list[int]:
    return [key * 2 for key in keys]


async def test_a_lean_loader_holds_what_the_constructor_sets() -> None:
    held: dict[Any, Any] = {}
    lean: _Loader[int, int] = _Loader(_double, 7, held)
    full: DataLoader[int, int] = DataLoader(_double, max_batch_size=7, cache_map={})

    # The key function is the class's (the identity, as the constructor's default lambda).
    assert set(vars(lean)) | {"get_cache_key"} == set(vars(full))
    for name in ("loop", "batch_load_fn", "max_batch_size", "batch", "cache"):
        assert getattr(lean, name) == getattr(full, name), name
    assert lean.get_cache_key(5) == full.get_cache_key(5) == 5
    assert lean._cache is held


async def test_a_lean_loader_batches_caches_and_primes() -> None:
    calls: list[list[int]] = []

    async def double(keys: list[int]) -> list[int]:
        calls.append(keys)
        return [key * 2 for key in keys]

    held: dict[Any, Any] = {}
    loader: _Loader[int, int] = _Loader(double, 2, held)
    loader.prime(9, 99)
    assert list(await asyncio.gather(loader.load(1), loader.load(2), loader.load(3))) == [2, 4, 6]
    assert await loader.load(1) == 2
    assert await loader.load(9) == 99
    # Batches of at most two, each key read once.
    assert calls == [[1, 2], [3]]
    assert set(held) == {1, 2, 3, 9}


async def test_reads_answer_held_keys_without_building_the_loader() -> None:
    built: list[_Loader[int, int]] = []
    fetched: list[list[int]] = []
    held: dict[Any, Any] = {}

    async def double(keys: list[int]) -> list[int]:
        fetched.append(keys)
        return [key * 2 for key in keys]

    def make(owner: object) -> _Loader[int, int]:
        loader: _Loader[int, int] = _Loader(double, 10, held)
        built.append(loader)
        return loader

    reads: Reads[int, int] = Reads(make, None, held)
    primed: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    primed.set_result(70)
    held[7] = primed
    assert reads.load(7) is primed
    assert await reads.load(7) == 70
    assert built == [], "a held key needs no loader"

    # A key to fetch builds the loader once; its loads batch as aiodataloader's do.
    assert list(await asyncio.gather(reads.load(1), reads.load(2))) == [2, 4]
    assert await reads.load(3) == 6
    assert len(built) == 1
    assert fetched == [[1, 2], [3]]

    # Cleared keys are fetched again, as aiodataloader's `clear` would have them.
    reads.clear(7)
    assert await reads.load(7) == 14
    reads.clear_all()
    assert held == {}
    assert await reads.load(1) == 2
    assert fetched == [[1, 2], [3], [7], [1]]
