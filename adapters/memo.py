"""One value kept in process for a while and loaded once, however many ask at once.

Used for the catalog and the partner offers: they change rarely, every query needs them,
and a home screen must not wait for them one backend round trip after another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from adapters.clock import Clock

T = TypeVar("T")


class TimedMemo(Generic[T]):
    def __init__(self, load: Callable[[], Awaitable[T]], clock: Clock, ttl: float) -> None:
        self._load = load
        self._clock = clock
        self._ttl = ttl
        self._value: T | None = None
        self._loaded_at = float("-inf")
        self._inflight: asyncio.Future[T] | None = None

    async def get(self) -> T:
        if self._value is not None and self._clock.monotonic() - self._loaded_at < self._ttl:
            return self._value
        if self._inflight is None:
            self._inflight = asyncio.ensure_future(self._refresh())
        # shield: one caller giving up (its request cancelled) must not cancel the load
        # that the others wait on.
        return await asyncio.shield(self._inflight)

    async def _refresh(self) -> T:
        try:
            value = await self._load()
            self._value = value
            self._loaded_at = self._clock.monotonic()
            return value
        finally:
            self._inflight = None

    def clear(self) -> None:
        self._loaded_at = float("-inf")
