"""Persisted queries in Redis, shared by every gateway process.

Learned (APQ) queries expire (`learned_ttl`): a client whose query was forgotten just sends
it again. Registered operations never expire; they are what a deploy of the app ships.
A Redis failure reads as "not found": the client then sends the full query (APQ), or, in
allow-list mode, the operation is refused -- never run unchecked.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.redis_guard import UNBOUNDED, RedisGuard

log = logging.getLogger(__name__)


class RedisPersistedQueries:
    def __init__(
        self, redis: Redis, namespace: str, learned_ttl: float, guard: RedisGuard = UNBOUNDED
    ) -> None:
        self._redis = redis
        self._guard = guard
        self._learned = f"{namespace}:apq:"
        self._allowlist = f"{namespace}:operations"
        self._ttl_ms = int(learned_ttl * 1000)

    async def get(self, sha256: str) -> str | None:
        return await self.registered(sha256) or await self._read(self._learned + sha256)

    async def _read(self, key: str) -> str | None:
        try:
            value = await self._guard.bounded(self._redis.get(key))
        except (RedisError, OSError) as exc:
            log.warning("persisted query read failed: %s", exc)
            return None
        return value.decode() if isinstance(value, bytes) else value

    async def remember(self, sha256: str, query: str) -> None:
        try:
            await self._guard.bounded(
                self._redis.set(self._learned + sha256, query, px=self._ttl_ms)
            )
        except (RedisError, OSError) as exc:
            log.warning("persisted query write failed: %s", exc)

    async def registered(self, sha256: str) -> str | None:
        try:
            value = await self._guard.bounded(self._redis.hget(self._allowlist, sha256))
        except (RedisError, OSError) as exc:
            log.warning("allow-list read failed: %s", exc)
            return None
        return value.decode() if isinstance(value, bytes) else value

    async def register(self, operations: Mapping[str, str]) -> int:
        if operations:
            await self._redis.hset(self._allowlist, mapping={k: v for k, v in operations.items()})
        return len(operations)
