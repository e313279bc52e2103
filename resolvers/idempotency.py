"""Running a mutation once per idempotency key.

The key comes as an argument or the `Idempotency-Key` header; it is scoped to the caller
and the mutation, so two subscribers' keys never meet. The same key with the same input
returns the first result without touching a backend; with a different input it is an
error; while the first is still running elsewhere, this one waits for its result.
The key also goes on to the backend, so that a retry after a gateway crash cannot charge
twice either.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import orjson

from adapters.idempotency.port import ClaimState
from domain.principals import SubscriberPrincipal
from resolvers.access import require_principal
from resolvers.context import Context
from resolvers.errors import GatewayError, InvalidInputError

T = TypeVar("T")
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")
RUNNING_TTL = 60.0  # a claim outlives any request's deadline
KEEP = 24 * 3600.0  # how long a result is replayed
WAIT_STEP = 0.05


class IdempotencyKeyReusedError(GatewayError):
    code = "IDEMPOTENCY_KEY_REUSED"


class IdempotencyInProgressError(GatewayError):
    code = "IDEMPOTENCY_IN_PROGRESS"


def resolve_key(ctx: Context, given: str | None) -> str:
    key = given or ctx.idempotency_key
    if key is None:
        raise InvalidInputError(
            "an idempotency key is required (argument or Idempotency-Key header)"
        )
    if not _KEY.match(key):
        raise InvalidInputError("an idempotency key is 8-128 letters, digits or _.:-")
    return key


def _fingerprint(mutation: str, inputs: Mapping[str, Any]) -> str:
    data = orjson.dumps({"m": mutation, "i": inputs}, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(data).hexdigest()


async def once(
    ctx: Context,
    mutation: str,
    key: str,
    inputs: Mapping[str, Any],
    run: Callable[[], Awaitable[T]],
    encode: Callable[[T], bytes],
    decode: Callable[[bytes], T],
    settled: Callable[[], Awaitable[T | None]] | None = None,
) -> T:
    """`run` once per key. `settled`, when given, is asked while another holder's claim
    is running: a result it finds is the answer. A process killed mid-request leaves its
    claim running until RUNNING_TTL, while its work may be finished meanwhile by someone
    else (a top-up saga by the next process's recovery): the retry gets that outcome."""
    principal = require_principal(ctx)
    who = (
        principal.msisdn
        if isinstance(principal, SubscriberPrincipal)
        else f"agent:{principal.name}"
    )
    scoped = f"{who}:{mutation}:{key}"
    fingerprint = _fingerprint(mutation, inputs)
    store = ctx.ports.idempotency
    loop = asyncio.get_running_loop()
    give_up = loop.time() + 10.0
    while True:
        claim = await store.claim(scoped, fingerprint, RUNNING_TTL)
        if claim.state is ClaimState.DONE and claim.result is not None:
            return decode(claim.result)
        if claim.state is ClaimState.CONFLICT:
            raise IdempotencyKeyReusedError("this idempotency key was used for another request")
        if claim.state is ClaimState.CLAIMED:
            break
        # Another process is running the same request: wait for its result rather than
        # run it twice. Polling, because the result lands in Redis, not in this process.
        if settled is not None:
            found = await settled()
            if found is not None:
                return found
        if loop.time() >= give_up:
            raise IdempotencyInProgressError("the same request is still running; retry shortly")
        await asyncio.sleep(WAIT_STEP)
    try:
        result = await run()
    except BaseException:
        # Nothing to replay: let a retry run it (the backend dedupes by the same key).
        await store.release(scoped)
        raise
    await store.finish(scoped, encode(result), KEEP)
    return result
