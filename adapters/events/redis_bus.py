"""Events through Redis pub/sub: published to `<namespace>:events:<topic>`, received by
every gateway process. One pattern subscription per process, whatever the number of live
subscribers in it; delivery to them is local.

On a Redis Cluster the bus talks to one node at a time with a plain client: classic
pub/sub is cluster-wide (a PUBLISH on any node reaches the subscribers of every node), so
any node will do. When that node fails, the bus moves on to the next one it was given."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.events.bus import Follower, LocalFanOut

log = logging.getLogger(__name__)


class RedisBus:
    def __init__(
        self, redis: Redis | Sequence[Redis], namespace: str, queue_size: int = 100
    ) -> None:
        self._clients = [redis] if isinstance(redis, Redis) else list(redis)
        self._current = 0
        self._prefix = f"{namespace}:events:"
        self._local = LocalFanOut(queue_size)
        self._listener: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        self._listener = asyncio.create_task(self._listen())
        await asyncio.wait_for(self._ready.wait(), 5)

    async def _listen(self) -> None:
        while True:
            try:
                async with self._client().pubsub() as pubsub:
                    await pubsub.psubscribe(self._prefix + "*")
                    self._ready.set()
                    async for message in pubsub.listen():
                        if message.get("type") != "pmessage":
                            continue
                        channel = message["channel"]
                        channel = channel.decode() if isinstance(channel, bytes) else channel
                        data = message["data"]
                        payload = data if isinstance(data, bytes) else str(data).encode()
                        self._local.deliver(channel.removeprefix(self._prefix), payload)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                # Redis went away: keep trying; events meanwhile are lost (they are hints
                # to refresh, and clients re-read on reconnecting).
                log.warning("event subscription lost, retrying: %s", exc)
                self._next_client()
                self._ready.set()
                await asyncio.sleep(1)

    def _client(self) -> Redis:
        return self._clients[self._current]

    def _next_client(self) -> None:
        self._current = (self._current + 1) % len(self._clients)

    async def publish(self, topic: str, payload: bytes) -> None:
        for _ in self._clients:
            try:
                await self._client().publish(self._prefix + topic, payload)
                return
            except (RedisError, OSError) as exc:
                log.warning("event not published (%s): %s", topic, exc)
                self._next_client()

    def follow(self, topic: str) -> AbstractAsyncContextManager[Follower]:
        return self._local.follow(topic)

    def following(self, topic: str) -> int:
        return self._local.following(topic)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if len(self._clients) > 1:
            # Clients of their own (cluster nodes); a single one is the runtime's.
            for client in self._clients:
                await client.aclose()
