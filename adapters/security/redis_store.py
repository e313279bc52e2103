"""The security store in Redis: shared by every gateway process.

Every step that must be atomic is one Lua script. Time comes from the gateway's clock
(passed in), so expiry is testable without sleeping; Redis TTLs only clean up.

Refresh-token keys carry their session family as a hash tag (`{family}`), so that a
family's keys share one Redis Cluster slot and the rotate/revoke scripts stay atomic there.

Redis down means fail closed: SecurityStoreUnavailableError, never an attempt let through.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Any, cast

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.clock import Clock
from adapters.redis_guard import UNBOUNDED, RedisGuard
from adapters.security.errors import SecurityStoreUnavailableError
from domain.security import (
    CodeAttempt,
    CodeCheck,
    CodeIssue,
    PendingLink,
    RotateOutcome,
    SessionRecord,
)

_ISSUE = """
local now = tonumber(ARGV[1])
local issued = redis.call('HGET', KEYS[1], 'issued')
local expires = redis.call('HGET', KEYS[1], 'expires')
local resend = tonumber(ARGV[3])
if issued and tonumber(expires) > now and now - tonumber(issued) < resend then
  return {0, tostring(resend - (now - tonumber(issued)))}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'h', ARGV[2], 'tries', 0, 'max', ARGV[4], 'issued', ARGV[1],
           'expires', tostring(now + tonumber(ARGV[5])), 'meta', ARGV[6])
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[5]) * 1000) + 60000)
return {1, '0'}
"""

_ATTEMPT = """
local now = tonumber(ARGV[1])
local expires = redis.call('HGET', KEYS[1], 'expires')
if not expires or tonumber(expires) <= now then
  redis.call('DEL', KEYS[1])
  return {'missing'}
end
local tries = redis.call('HINCRBY', KEYS[1], 'tries', 1)
local max = tonumber(redis.call('HGET', KEYS[1], 'max'))
if tries > max then
  -- Kept (not deleted) so that later attempts keep hearing "too many", until a new code.
  return {'exhausted'}
end
return {'open', redis.call('HGET', KEYS[1], 'h'), redis.call('HGET', KEYS[1], 'meta'),
        tostring(max - tries)}
"""

_CONSUME = """
if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
"""

# ARGV: the key's lifetime (ms), how many events to count.
_HIT = """
local by = tonumber(ARGV[2])
local n = redis.call('INCRBY', KEYS[1], by)
if n == by then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
"""

# ARGV: the limit, the key's lifetime (ms). -1: the budget is used up, nothing counted.
_SPEND = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return -1 end
n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return n
"""

_REFUND = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return 0
"""

# KEYS: old token, new token, family set. ARGV: now, new expiry, ttl of the new token (ms).
_ROTATE = """
local now = tonumber(ARGV[1])
local exp = redis.call('HGET', KEYS[1], 'exp')
if not exp or tonumber(exp) <= now then return {'unknown'} end
local family = redis.call('HGET', KEYS[1], 'family')
local msisdn = redis.call('HGET', KEYS[1], 'msisdn')
if redis.call('HGET', KEYS[1], 'used') == '1' then
  for _, member in ipairs(redis.call('SMEMBERS', KEYS[3])) do redis.call('DEL', member) end
  redis.call('DEL', KEYS[3])
  return {'reused'}
end
redis.call('HSET', KEYS[1], 'used', '1')
redis.call('HSET', KEYS[2], 'family', family, 'msisdn', msisdn, 'exp', ARGV[2], 'used', '0')
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[3], KEYS[2])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return {'rotated', family, msisdn}
"""

_REVOKE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for _, member in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('DEL', member) end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
"""


def _family_of(token_hash: str) -> str:
    # Token hashes are "<family>.<digest>" (see resolvers/sessions.py).
    return token_hash.split(".", 1)[0]


class RedisSecurityStore:
    def __init__(
        self,
        redis: Redis,
        clock: Clock,
        namespace: str,
        guard: RedisGuard = UNBOUNDED,
        counters: RedisGuard | None = None,
    ) -> None:
        self._redis = redis
        # Codes, tries and sessions: each step within TGW_REDIS_TIMEOUT, failing closed.
        # Not skipped while the Redis breaker is open: with one cluster node lost the
        # others keep working, and a try waits no longer than the bound.
        self._guard = guard
        # Counters (`hit`: rate limits, hourly caps) are asked on every request: these
        # are skipped at once while Redis's breaker is open (rate limits then fail open,
        # login caps closed).
        self._counters = counters or guard
        self._clock = clock
        self._ns = namespace
        self._issue = redis.register_script(_ISSUE)
        self._attempt = redis.register_script(_ATTEMPT)
        self._consume = redis.register_script(_CONSUME)
        self._hit = redis.register_script(_HIT)
        self._spend = redis.register_script(_SPEND)
        self._refund = redis.register_script(_REFUND)
        self._rotate = redis.register_script(_ROTATE)
        self._revoke = redis.register_script(_REVOKE)

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _code_key(self, key: str) -> str:
        return f"{self._ns}:code:{key}"

    def _token_key(self, token_hash: str) -> str:
        return f"{self._ns}:rt:{{{_family_of(token_hash)}}}:{token_hash}"

    def _family_key(self, family: str) -> str:
        return f"{self._ns}:rt:{{{family}}}:members"

    async def _run(self, call: Awaitable[Any], guard: RedisGuard | None = None) -> Any:
        try:
            return await (guard or self._guard).run(call)
        except (RedisError, OSError) as exc:
            raise SecurityStoreUnavailableError(f"security store unreachable: {exc}") from exc

    async def issue_code(
        self,
        key: str,
        code_hash: str,
        *,
        ttl: float,
        resend_after: float,
        max_tries: int,
        meta: dict[str, Any] | None = None,
    ) -> CodeIssue:
        issued, retry_after = await self._run(
            self._issue(
                keys=[self._code_key(key)],
                args=[
                    repr(self._now()),
                    code_hash,
                    repr(resend_after),
                    max_tries,
                    repr(ttl),
                    orjson.dumps(meta or {}),
                ],
            )
        )
        return CodeIssue(issued=bool(int(issued)), retry_after=float(retry_after))

    async def attempt_code(self, key: str) -> CodeAttempt:
        answer = await self._run(
            self._attempt(keys=[self._code_key(key)], args=[repr(self._now())])
        )
        state = _text(answer[0])
        if state == "missing":
            return CodeAttempt(CodeCheck.MISSING, None, {}, 0)
        if state == "exhausted":
            return CodeAttempt(CodeCheck.EXHAUSTED, None, {}, 0)
        meta = cast("dict[str, Any]", orjson.loads(answer[2]))
        return CodeAttempt(CodeCheck.WRONG, _text(answer[1]), meta, int(answer[3]))

    async def consume_code(self, key: str, code_hash: str) -> bool:
        done = await self._run(self._consume(keys=[self._code_key(key)], args=[code_hash]))
        return bool(done)

    def _hit_key(self, key: str, slot: int) -> str:
        return f"{self._ns}:hit:{key}:{slot}"

    async def hit(self, key: str, window: float, by: int = 1) -> int:
        slot = int(self._now() // window)
        count = await self._run(
            self._hit(keys=[self._hit_key(key, slot)], args=[int(window * 1000) + 60_000, by]),
            self._counters,
        )
        return int(count)

    async def hit_many(self, keys: Sequence[str], window: float, by: int = 1) -> list[int]:
        slot = int(self._now() // window)
        ttl_ms = int(window * 1000) + 60_000

        async def counted() -> list[Any]:
            # Plain commands in one pipeline rather than the script per key: one round
            # trip for a request's limits, and no script cache to miss on a promoted
            # replica. Created with its lifetime first, so no counter ever lives forever.
            async with self._redis.pipeline(transaction=False) as pipe:
                for key in keys:
                    counter = self._hit_key(key, slot)
                    pipe.set(counter, 0, px=ttl_ms, nx=True)
                    pipe.incrby(counter, by)
                answers: list[Any] = await pipe.execute()
                return answers

        answers = await self._run(counted(), self._counters)
        return [int(n) for n in answers[1::2]]

    async def spend(self, key: str, window: float, limit: int) -> int | None:
        slot = int(self._now() // window)
        count = await self._run(
            self._spend(keys=[self._hit_key(key, slot)], args=[limit, int(window * 1000) + 60_000])
        )
        return None if int(count) < 0 else slot

    async def refund(self, key: str, window: float, slot: int) -> None:
        await self._run(self._refund(keys=[self._hit_key(key, slot)], args=[]))

    async def create_session(self, token_hash: str, session: SessionRecord) -> None:
        token_key = self._token_key(token_hash)
        family_key = self._family_key(session.family)
        ttl_ms = max(1, int((session.expires_at - self._now()) * 1000))

        async def create() -> None:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(
                    token_key,
                    mapping={
                        "family": session.family,
                        "msisdn": session.msisdn,
                        "exp": repr(session.expires_at),
                        "used": "0",
                    },
                )
                pipe.pexpire(token_key, ttl_ms)
                pipe.sadd(family_key, token_key)
                pipe.pexpire(family_key, ttl_ms)
                await pipe.execute()

        await self._run(create())

    async def rotate_session(
        self, old_hash: str, new_hash: str, new_expires_at: float
    ) -> tuple[RotateOutcome, SessionRecord | None]:
        now = self._now()
        family = _family_of(old_hash)
        answer = await self._run(
            self._rotate(
                keys=[
                    self._token_key(old_hash),
                    self._token_key(new_hash),
                    self._family_key(family),
                ],
                args=[
                    repr(now),
                    repr(new_expires_at),
                    max(1, int((new_expires_at - now) * 1000)),
                ],
            )
        )
        outcome = RotateOutcome(_text(answer[0]))
        if outcome is not RotateOutcome.ROTATED:
            return outcome, None
        return outcome, SessionRecord(_text(answer[1]), _text(answer[2]), new_expires_at)

    async def revoke_session(self, token_hash: str) -> bool:
        family = _family_of(token_hash)
        done = await self._run(
            self._revoke(keys=[self._token_key(token_hash), self._family_key(family)], args=[])
        )
        return bool(done)

    def _pending_key(self, owner: str) -> str:
        return f"{self._ns}:pending:{owner}"

    async def put_pending(self, owner: str, target: str, alias: str | None, ttl: float) -> None:
        key = self._pending_key(owner)
        value = orjson.dumps({"alias": alias, "exp": self._now() + ttl})

        async def put() -> None:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(key, target, value)
                pipe.pexpire(key, int(ttl * 1000) + 60_000)
                await pipe.execute()

        await self._run(put())

    async def pending(self, owner: str) -> dict[str, str | None]:
        links = (await self.pending_links([owner]))[owner]
        return {target: link.alias for target, link in links.items()}

    async def pending_links(self, owners: Sequence[str]) -> dict[str, dict[str, PendingLink]]:
        async def read() -> list[Any]:
            if len(owners) == 1:
                # The usual case (a subscriber's own screen): a pipeline costs more.
                return [await self._redis.hgetall(self._pending_key(owners[0]))]
            # Not a transaction: the hashes may live on several cluster nodes.
            async with self._redis.pipeline(transaction=False) as pipe:
                for owner in owners:
                    pipe.hgetall(self._pending_key(owner))
                return list(await pipe.execute())

        hashes = await self._run(read()) if owners else []
        now = self._now()
        found: dict[str, dict[str, PendingLink]] = {}
        for owner, raw in zip(owners, hashes, strict=True):
            links = {}
            for target, value in raw.items():
                entry = orjson.loads(value)
                if entry["exp"] > now:
                    links[_text(target)] = PendingLink(entry["alias"], entry["exp"])
            found[owner] = links
        return found

    async def drop_pending(self, owner: str, target: str) -> None:
        await self._run(self._redis.hdel(self._pending_key(owner), target))

    async def close(self) -> None:
        return None


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
