"""The saga log in Redis, beside the idempotency claims: every gateway process sees every
saga, and a lease (SET NX PX) gives each saga one owner at a time across processes.

No multi-key transaction (the keys may sit on different Redis Cluster nodes): the record
is written first and the open index after, and the index is only a list of sagas to look
at; the record decides. Redis down fails closed, like the idempotency store.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.security.errors import SecurityStoreUnavailableError

_LEASE = """
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
"""


class RedisSagaLog:
    def __init__(self, redis: Redis, namespace: str) -> None:
        self._redis = redis
        self._prefix = f"{namespace}:saga:"
        self._open = f"{namespace}:sagas:open"
        self._leases = f"{namespace}:saga-lease:"
        self._lease = redis.register_script(_LEASE)
        self._release = redis.register_script(_RELEASE)

    async def _run(self, call: Awaitable[Any]) -> Any:
        try:
            return await call
        except (RedisError, OSError) as exc:
            raise SecurityStoreUnavailableError(f"saga log unreachable: {exc}") from exc

    async def create(self, saga_id: str, record: bytes) -> bool:
        created = await self._run(self._redis.set(self._prefix + saga_id, record, nx=True))
        if created:
            await self._run(self._redis.zadd(self._open, {saga_id: await self._now()}))
        return bool(created)

    async def load(self, saga_id: str) -> bytes | None:
        found = await self._run(self._redis.get(self._prefix + saga_id))
        if isinstance(found, str):
            return found.encode()
        return found  # type: ignore[no-any-return]

    async def save(self, saga_id: str, record: bytes, *, finished: bool, keep: float) -> None:
        if finished:
            await self._run(self._redis.set(self._prefix + saga_id, record, px=int(keep * 1000)))
            await self._run(self._redis.zrem(self._open, saga_id))
        else:
            await self._run(self._redis.set(self._prefix + saga_id, record))
            await self._run(self._redis.zadd(self._open, {saga_id: await self._now()}, nx=True))

    async def open_ids(self, limit: int) -> list[str]:
        found = await self._run(self._redis.zrange(self._open, 0, limit - 1))
        return [item.decode() if isinstance(item, bytes) else str(item) for item in found]

    async def lease(self, saga_id: str, owner: str, ttl: float) -> bool:
        taken = await self._run(
            self._lease(keys=[self._leases + saga_id], args=[owner, int(ttl * 1000)])
        )
        return bool(taken)

    async def release(self, saga_id: str, owner: str) -> None:
        await self._run(self._release(keys=[self._leases + saga_id], args=[owner]))

    async def _now(self) -> float:
        seconds, micros = await self._run(self._redis.time())
        return float(seconds) + float(micros) / 1_000_000
