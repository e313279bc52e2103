"""Events through Redis pub/sub: published to `<namespace>:events:<topic>`, received by
every gateway process. One pattern subscription per process, whatever the number of live
subscribers in it; delivery to them is local.

On a Redis Cluster the bus talks to one node at a time with a plain client: classic
pub/sub is cluster-wide (a PUBLISH on any node reaches the subscribers of every node), so
any node will do. When that node fails, the bus moves on to the next one it was given.

A node that stops answering without closing the connection (a stalled process, a network
partition) would hold every live event: the listening connection is pinged whenever it
has been quiet for `check_every` seconds, and a ping unanswered within `answer_within`
counts as the node lost. What was published while the bus had no working connection
cannot be replayed (Redis pub/sub keeps nothing), so once it listens again every local
follower gets RESYNC: a balance subscription reads the balance again and sends it, so the
client ends up with the current figure rather than silently missing a change."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from adapters.events.bus import Follower, LocalFanOut

log = logging.getLogger(__name__)


class RedisBus:
    def __init__(
        self,
        redis: Redis | Sequence[Redis],
        namespace: str,
        queue_size: int = 100,
        *,
        check_every: float = 2.0,
        answer_within: float = 1.0,
        retry_after: float = 1.0,
    ) -> None:
        self._clients = [redis] if isinstance(redis, Redis) else list(redis)
        self._check_every = check_every
        self._answer_within = answer_within
        self._retry_after = retry_after
        # How many times the bus lost its connection and listened again (metrics, tests).
        self.reconnects = 0
        self._current = 0
        self._prefix = f"{namespace}:events:"
        self._local = LocalFanOut(queue_size)
        self._listener: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        self._listener = asyncio.create_task(self._listen())
        await asyncio.wait_for(self._ready.wait(), 5)

    async def _listen(self) -> None:
        missed = False
        while True:
            try:
                async with self._client().pubsub() as pubsub:
                    await asyncio.wait_for(
                        pubsub.psubscribe(self._prefix + "*"), self._answer_within
                    )
                    self._ready.set()
                    if missed:
                        # Listening again: whatever was published meanwhile is gone.
                        self.reconnects += 1
                        self._local.resync()
                        missed = False
                    await self._pump(pubsub)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                # The node went away or stalled: the next one, after a pause.
                log.warning("event subscription lost, moving on: %s", exc or type(exc).__name__)
                missed = True
                self._next_client()
                self._ready.set()
                await asyncio.sleep(self._retry_after)

    async def _pump(self, pubsub: PubSub) -> None:
        """Deliver messages until the connection fails or a ping goes unanswered."""
        loop = asyncio.get_running_loop()
        pinged_at: float | None = None
        while True:
            wait = self._check_every if pinged_at is None else self._answer_within
            message = await pubsub.get_message(timeout=wait)
            now = loop.time()
            if message is not None:
                pinged_at = None  # anything heard answers for the connection
                if message.get("type") == "pmessage":
                    self._deliver(message)
                continue
            if pinged_at is not None and now - pinged_at >= self._answer_within:
                raise TimeoutError("the event bus's node did not answer a ping")
            if pinged_at is None:
                await asyncio.wait_for(pubsub.ping(), self._answer_within)
                pinged_at = now

    def _deliver(self, message: dict[str, Any]) -> None:
        channel = message["channel"]
        channel = channel.decode() if isinstance(channel, bytes) else channel
        data = message["data"]
        payload = data if isinstance(data, bytes) else str(data).encode()
        self._local.deliver(channel.removeprefix(self._prefix), payload)

    @property
    def node(self) -> int:
        """The index of the node listened to now (of the nodes given)."""
        return self._current

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
