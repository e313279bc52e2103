"""Single flight for cached reads: concurrent misses on the same keys share one load.

A load runs in its own task, so one caller giving up (its request cancelled) does not fail
the others waiting on it. A key invalidated while its load is in flight is marked on that
flight, and the flight then does not store what it read for it: the read may predate the
change. A refresh (adapters/cache/refresher.py) is a flight too, with a store of its
own, so a read missing a key being refreshed waits for that refresh instead of asking
again. Only keys in flight are remembered, so the bookkeeping stays as small as the
number of loads running.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Generic, TypeVar

V = TypeVar("V")

Fetch = Callable[[Sequence[str]], Awaitable[Mapping[str, V]]]
# Stores what a flight read for the keys it may still store; `keys` are all it asked for
# (those absent from `loaded` are known to have nothing).
Store = Callable[[Sequence[str], Mapping[str, V]], Awaitable[None]]


class _Flight(Generic[V]):
    __slots__ = ("changed", "task")

    def __init__(self) -> None:
        self.changed: set[str] = set()
        self.task: asyncio.Future[Mapping[str, V]] | None = None


class SharedLoads(Generic[V]):
    def __init__(self, fetch: Fetch[V], store: Store[V]) -> None:
        self._fetch = fetch
        self._store = store
        self._inflight: dict[str, _Flight[V]] = {}

    async def load(self, keys: Sequence[str]) -> dict[str, V]:
        """What the backend has for `keys` (absent where it has nothing)."""
        joined = {id(f): f for k in keys if (f := self._inflight.get(k)) is not None}
        mine = [k for k in keys if k not in self._inflight]
        if mine:
            flight: _Flight[V] = _Flight()
            for key in mine:
                self._inflight[key] = flight
            flight.task = asyncio.ensure_future(self._run(flight, mine, self._store))
            joined[id(flight)] = flight
        loaded: dict[str, V] = {}
        tasks = [f.task for f in joined.values() if f.task is not None]
        for result in await asyncio.gather(*(asyncio.shield(t) for t in tasks)):
            loaded.update(result)
        return {k: loaded[k] for k in keys if k in loaded}

    async def refresh(self, keys: Sequence[str], store: Store[V]) -> Sequence[str]:
        """Load `keys` again and hand what was read to `store` (keys changed meanwhile
        left out), as one flight; keys already in flight are left to that flight.
        The keys this refresh loaded."""
        mine = [k for k in keys if k not in self._inflight]
        if not mine:
            return mine
        flight: _Flight[V] = _Flight()
        for key in mine:
            self._inflight[key] = flight
        flight.task = asyncio.ensure_future(self._run(flight, mine, store))
        # Not shielded: a refresh cancelled (at shutdown) stops its load too.
        await flight.task
        return mine

    async def _run(
        self, flight: _Flight[V], keys: Sequence[str], store: Store[V]
    ) -> Mapping[str, V]:
        try:
            loaded = await self._fetch(keys)
            keep = [k for k in keys if k not in flight.changed]
            await store(keep, {k: loaded[k] for k in keep if k in loaded})
            return loaded
        finally:
            for key in keys:
                if self._inflight.get(key) is flight:
                    del self._inflight[key]

    def forget(self, keys: Sequence[str]) -> None:
        """The keys changed: loads in flight must not store them, new reads start afresh."""
        for key in keys:
            flight = self._inflight.pop(key, None)
            if flight is not None:
                flight.changed.add(key)
