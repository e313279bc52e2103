"""The Redis cache: shared by every gateway process, one round trip per batch.

A cache that fails is a cache that misses: when Redis is down or slow, reads go to the
backends and writes are dropped, and the client reconnects by itself when Redis is back.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisError

from adapters.breaker import CircuitBreaker
from adapters.redis_guard import RedisGuard

log = logging.getLogger(__name__)

# Compare and set in one step (one key, so a cluster runs it on the key's node).
_REPLACE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
"""


class RedisCache:
    def __init__(
        self,
        redis: Redis,
        breaker: CircuitBreaker | None = None,
        timeout: float | None = None,
    ) -> None:
        self._redis = redis
        # While Redis is failing, skip it instead of paying its timeout on every read;
        # each operation within TGW_REDIS_TIMEOUT: a failover's retries inside redis-py
        # must not hold a read that the backends can answer.
        self._guard = RedisGuard(timeout, breaker)
        self._replace = redis.register_script(_REPLACE)

    def _usable(self) -> bool:
        return self._guard.usable()

    def _failed(self, exc: Exception) -> None:
        self._guard.failed(exc)

    def _worked(self) -> None:
        self._guard.worked()

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        if not self._usable():
            return [None] * len(keys)
        try:
            if isinstance(self._redis, RedisCluster):
                # Keys of many numbers live in many slots: one MGET per node.
                values = await self._guard.bounded(self._redis.mget_nonatomic(list(keys)))
            else:
                values = await self._guard.bounded(self._redis.mget(keys))
        except (RedisError, OSError) as exc:
            self._failed(exc)
            log.warning("cache read failed, reading through: %s", exc)
            return [None] * len(keys)
        self._worked()
        # The client is built without decode_responses, so every value is bytes or None.
        return [v.encode() if isinstance(v, str) else v for v in values]

    async def set_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        if not items or not self._usable():
            return
        milliseconds = max(1, int(ttl * 1000))
        try:
            await self._guard.bounded(self._set_many(items, milliseconds))
        except (RedisError, OSError) as exc:
            self._failed(exc)
            log.warning("cache write failed, dropped: %s", exc)

    async def _set_many(self, items: Mapping[str, bytes], milliseconds: int) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            for key, value in items.items():
                pipe.set(key, value, px=milliseconds)
            await pipe.execute()

    async def delete_many(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        try:
            await self._guard.bounded(self._redis.delete(*keys))
        except (RedisError, OSError) as exc:
            # The change this follows has happened; failing the request now would tell
            # the client otherwise. While Redis is down reads skip it anyway, and the
            # entry expires within the fresh TTL.
            self._failed(exc)
            log.error("cache invalidation failed for %s: %s", list(keys), exc)

    async def claim(self, key: str, ttl: float) -> bool:
        # Failing, nobody gets the lease: no refresh, and the entry expires as it would.
        if not self._usable():
            return False
        try:
            got = await self._guard.bounded(
                self._redis.set(key, b"1", nx=True, px=max(1, int(ttl * 1000)))
            )
        except (RedisError, OSError) as exc:
            self._failed(exc)
            log.warning("cache lease failed, not refreshing: %s", exc)
            return False
        self._worked()
        return bool(got)

    async def replace(self, key: str, expected: bytes, value: bytes, ttl: float) -> bool:
        if not self._usable():
            return False
        try:
            done = await self._guard.bounded(
                self._replace(keys=[key], args=[expected, value, max(1, int(ttl * 1000))])
            )
        except (RedisError, OSError) as exc:
            self._failed(exc)
            log.warning("cache refresh write failed, dropped: %s", exc)
            return False
        self._worked()
        return bool(done)

    async def close(self) -> None:
        await self._redis.aclose()
