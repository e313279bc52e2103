"""Cache reads made in the same turn of the event loop, sent as one MGET.

A home screen's dataloaders (balance, products, customer, links, offers, charges) each
read the cache in the same turn: six round trips to Redis, each costing the gateway more
CPU in redis-py than the lookup costs Redis. Coalesced, they are one command. A read
waits at most one turn of the loop for the others.

Under load the reads of a turn are also other requests': concurrent screens share one MGET.
A screen's read ahead holds all of its own keys, and sending them straight to Redis saved
a sequential request a turn and a task, but at 32 connections the home screen then cost
0.70 ms of CPU against 0.49-0.51 (bench/RESULTS.md): it goes through here too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from adapters.cache.port import Cache

_Waiting = tuple[Sequence[str], "asyncio.Future[list[bytes | None]]"]


class CoalescingCache:
    def __init__(self, inner: Cache) -> None:
        self._inner = inner
        self._waiting: list[_Waiting] = []
        self._tasks: set[asyncio.Task[None]] = set()

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[list[bytes | None]] = loop.create_future()
        if not self._waiting:
            loop.call_soon(self._flush)
        self._waiting.append((keys, answer))
        return await answer

    def _flush(self) -> None:
        waiting, self._waiting = self._waiting, []
        task = asyncio.ensure_future(self._read(waiting))
        # Held until done: the loop keeps only weak references to tasks.
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _read(self, waiting: list[_Waiting]) -> None:
        keys = list(dict.fromkeys(k for ks, _ in waiting for k in ks))
        try:
            values = await self._inner.get_many(keys)
        except asyncio.CancelledError:
            for _, answer in waiting:
                answer.cancel()
            raise
        except Exception as exc:
            for _, answer in waiting:
                if not answer.done():
                    answer.set_exception(exc)
            return
        found = dict(zip(keys, values, strict=True))
        for ks, answer in waiting:
            if not answer.done():
                answer.set_result([found[k] for k in ks])

    async def set_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        await self._inner.set_many(items, ttl)

    async def delete_many(self, keys: Sequence[str]) -> None:
        await self._inner.delete_many(keys)

    async def claim(self, key: str, ttl: float) -> bool:
        return await self._inner.claim(key, ttl)

    async def replace(self, key: str, expected: bytes, value: bytes, ttl: float) -> bool:
        return await self._inner.replace(key, expected, value, ttl)

    async def close(self) -> None:
        await self._inner.close()
