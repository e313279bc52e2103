"""Idempotency keys in Redis: shared by every process, so two processes receiving the
same request at once run it once. Redis down fails closed: no change runs unguarded."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.idempotency.port import Claim, ClaimState
from adapters.redis_guard import UNBOUNDED, RedisGuard
from adapters.security.errors import SecurityStoreUnavailableError

_CLAIM = """
local fp = redis.call('HGET', KEYS[1], 'fp')
if not fp then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {'claimed'}
end
if fp ~= ARGV[1] then return {'conflict'} end
local result = redis.call('HGET', KEYS[1], 'result')
if not result then return {'running'} end
return {'done', result}
"""

_FINISH = """
redis.call('HSET', KEYS[1], 'result', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""

_RELEASE = """
if redis.call('HEXISTS', KEYS[1], 'result') == 0 then redis.call('DEL', KEYS[1]) end
return 1
"""


class RedisIdempotencyStore:
    def __init__(self, redis: Redis, namespace: str, guard: RedisGuard = UNBOUNDED) -> None:
        # Bounded by TGW_REDIS_TIMEOUT, and closed at once while Redis's breaker is open.
        self._guard = guard
        self._prefix = f"{namespace}:idem:"
        self._claim = redis.register_script(_CLAIM)
        self._finish = redis.register_script(_FINISH)
        self._release = redis.register_script(_RELEASE)

    async def _run(self, call: Awaitable[Any]) -> Any:
        try:
            return await self._guard.run(call)
        except (RedisError, OSError) as exc:
            raise SecurityStoreUnavailableError(f"idempotency store unreachable: {exc}") from exc

    async def claim(self, key: str, fingerprint: str, running_ttl: float) -> Claim:
        answer = await self._run(
            self._claim(keys=[self._prefix + key], args=[fingerprint, int(running_ttl * 1000)])
        )
        state = answer[0].decode() if isinstance(answer[0], bytes) else answer[0]
        result = answer[1] if len(answer) > 1 else None
        if isinstance(result, str):
            result = result.encode()
        return Claim(ClaimState(state), result)

    async def finish(self, key: str, result: bytes, keep: float) -> None:
        await self._run(self._finish(keys=[self._prefix + key], args=[result, int(keep * 1000)]))

    async def release(self, key: str) -> None:
        await self._run(self._release(keys=[self._prefix + key], args=[]))
