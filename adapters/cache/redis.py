"""The Redis cache: shared by every gateway process, one round trip per batch.

A cache that fails is a cache that misses: when Redis is down or slow, reads go to the
backends and writes are dropped, and the client reconnects by itself when Redis is back.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class RedisCache:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        try:
            values = await self._redis.mget(keys)
        except (RedisError, OSError) as exc:
            log.warning("cache read failed, reading through: %s", exc)
            return [None] * len(keys)
        # The client is built without decode_responses, so every value is bytes or None.
        return [v.encode() if isinstance(v, str) else v for v in values]

    async def set_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        if not items:
            return
        milliseconds = max(1, int(ttl * 1000))
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for key, value in items.items():
                    pipe.set(key, value, px=milliseconds)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("cache write failed, dropped: %s", exc)

    async def delete_many(self, keys: Sequence[str]) -> None:
        if keys:
            # Not swallowed: a failed invalidation would leave a wrong balance cached, and
            # the caller must know that.
            await self._redis.delete(*keys)

    async def close(self) -> None:
        await self._redis.aclose()
