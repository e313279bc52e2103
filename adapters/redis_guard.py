"""How long one Redis operation may take, and whether to try it at all.

redis-py retries on its own (connection errors, a cluster's MOVED and CLUSTERDOWN, the
topology refreshes between them), each attempt bounded by the socket timeout. During a
failover those add up to seconds. Every Redis-backed adapter therefore runs each operation
under one bound: `TGW_REDIS_TIMEOUT`, capped by what is left of the request's deadline.
Past it the operation fails like Redis being down (a cache miss, a closed security
store), and the client's own retries stop with it.

The Redis breaker (one per process, shared by the cache and the security stores) skips
Redis while it keeps failing: reads go straight to the backends and the security state
fails closed at once, instead of each request paying the bound again.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from typing import TypeVar

from redis.exceptions import ClusterError, RedisError, ResponseError

from adapters.breaker import CircuitBreaker
from adapters.errors import BackendError, BackendUnavailableError
from adapters.scope import current_scope

T = TypeVar("T")


class RedisSkippedError(OSError):
    """Redis was not asked: its breaker is open. An OSError, like every other way Redis
    fails, so that each adapter's existing fallback applies."""


class RedisGuard:
    def __init__(self, timeout: float | None, breaker: CircuitBreaker | None = None) -> None:
        self._timeout = timeout
        self.breaker = breaker

    def seconds(self) -> float | None:
        """The time this operation may take; None: unbounded (no setting given)."""
        if self._timeout is None:
            return None
        scope = current_scope()
        if scope is None:
            return self._timeout
        return max(0.0, min(self._timeout, scope.remaining()))

    def usable(self) -> bool:
        if self.breaker is None:
            return True
        try:
            self.breaker.before_call()
        except BackendError:
            return False
        return True

    def failed(self, exc: BaseException) -> None:
        if self.breaker is not None:
            self.breaker.record_failure(BackendUnavailableError("redis", str(exc)))

    def worked(self) -> None:
        if self.breaker is not None:
            self.breaker.record_success()

    async def bounded(self, call: Awaitable[T]) -> T:
        """The call's result within the bound; TimeoutError (an OSError, which every Redis
        adapter treats as Redis failing) once it has passed. No breaker involved."""
        async with asyncio.timeout(self.seconds()):
            return await call

    async def run(self, call: Awaitable[T]) -> T:
        """`bounded`, skipped while the breaker is open, its outcome fed to the breaker."""
        if not self.usable():
            if inspect.iscoroutine(call):
                call.close()  # never started: no "never awaited" warning
            raise RedisSkippedError("redis skipped: its breaker is open")
        try:
            answer = await self.bounded(call)
        except (RedisError, OSError) as exc:
            if _says_unwell(exc):
                self.failed(exc)
            raise
        self.worked()
        return answer


def _says_unwell(exc: BaseException) -> bool:
    """A refused command (a script's error, a wrong type) is Redis working."""
    return not isinstance(exc, ResponseError) or isinstance(exc, ClusterError)


UNBOUNDED = RedisGuard(None)
