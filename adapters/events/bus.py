"""Publishing events to topics and following a topic, with bounded memory per follower.

A follower that does not keep up (its queue of `queue_size` events is full) is dropped
rather than let the process grow: its iteration ends with SlowConsumerError.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

# Delivered to every follower when the bus may have missed events (its connection was
# lost and is back, on another node maybe): read the current state again.
RESYNC = b'{"resync":true}'


class SlowConsumerError(Exception):
    code = "SLOW_CONSUMER"


class Follower:
    def __init__(self, queue_size: int) -> None:
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue(queue_size)
        self.overflowed = False

    def offer(self, payload: bytes) -> None:
        try:
            self._queue.put_nowait(payload)
        except asyncio.QueueFull:
            self.overflowed = True
            # Wake the reader so that it notices and stops.
            self._queue = asyncio.Queue(1)
            self._queue.put_nowait(None)

    async def next(self) -> bytes:
        payload = await self._queue.get()
        if payload is None or self.overflowed:
            raise SlowConsumerError("the subscriber did not keep up and was dropped")
        return payload


class EventBus(Protocol):
    async def publish(self, topic: str, payload: bytes) -> None: ...

    def follow(self, topic: str) -> AbstractAsyncContextManager[Follower]:
        """The follower receives the topic's events while the context is open."""
        ...

    async def close(self) -> None: ...

    def following(self, topic: str) -> int: ...


class LocalFanOut:
    """Topic -> followers in this process (the part every bus shares)."""

    def __init__(self, queue_size: int) -> None:
        self._queue_size = queue_size
        self._followers: dict[str, set[Follower]] = {}

    def deliver(self, topic: str, payload: bytes) -> None:
        for follower in list(self._followers.get(topic, ())):
            follower.offer(payload)

    def resync(self) -> None:
        """Tell every follower of every topic that events may have been missed."""
        for followers in list(self._followers.values()):
            for follower in list(followers):
                follower.offer(RESYNC)

    @asynccontextmanager
    async def follow(self, topic: str) -> AsyncIterator[Follower]:
        follower = Follower(self._queue_size)
        self._followers.setdefault(topic, set()).add(follower)
        try:
            yield follower
        finally:
            followers = self._followers.get(topic)
            if followers is not None:
                followers.discard(follower)
                if not followers:
                    del self._followers[topic]

    def following(self, topic: str) -> int:
        """How many follow the topic in this process (for metrics and tests)."""
        return len(self._followers.get(topic, ()))


class MemoryBus:
    """One process: publishing is delivering."""

    def __init__(self, queue_size: int = 100) -> None:
        self._local = LocalFanOut(queue_size)

    async def publish(self, topic: str, payload: bytes) -> None:
        self._local.deliver(topic, payload)

    def follow(self, topic: str) -> AbstractAsyncContextManager[Follower]:
        return self._local.follow(topic)

    def following(self, topic: str) -> int:
        return self._local.following(topic)

    def resync(self) -> None:
        """Tell every follower that events may have been missed, as the Redis bus does
        when it moves to another node (one process has no gap: for tests of followers)."""
        self._local.resync()

    async def close(self) -> None:
        return None
