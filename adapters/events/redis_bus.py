"""Events through Redis pub/sub: published to `<namespace>:events:<topic>`, received by
every gateway process. One pattern subscription per process, whatever the number of live
subscribers in it; delivery to them is local."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from contextlib import AbstractAsyncContextManager

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.events.bus import Follower, LocalFanOut

log = logging.getLogger(__name__)


class RedisBus:
    def __init__(self, redis: Redis, namespace: str, queue_size: int = 100) -> None:
        self._redis = redis
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
                async with self._redis.pubsub() as pubsub:
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
                self._ready.set()
                await asyncio.sleep(1)

    async def publish(self, topic: str, payload: bytes) -> None:
        try:
            await self._redis.publish(self._prefix + topic, payload)
        except (RedisError, OSError) as exc:
            log.warning("event not published (%s): %s", topic, exc)

    def follow(self, topic: str) -> AbstractAsyncContextManager[Follower]:
        return self._local.follow(topic)

    def following(self, topic: str) -> int:
        return self._local.following(topic)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
