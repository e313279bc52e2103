"""What every backend call goes through, whichever client speaks the backend's dialect
(the TMF v4 `BackendClient`, the SigScale OCS client):

- a call to a backend whose breaker is open fails at once; outcomes feed the breaker;
- each call's timeout is capped by what is left of the request's deadline; a call the
  deadline cut short (or that never started for want of time) is the caller's failure,
  not the backend's: the breaker does not count it (DeadlineSpentError);
- the request's tallies (backend calls) and the metrics (calls by outcome, latency);
- the trace headers (`traceparent`, request id) the backend receives;
- reads are retried with jittered backoff (stamina) on failures that may pass
  (unreachable, 502/503/504, 429), within the request's retry budget, honouring
  `Retry-After`. Writes are never retried: their safety comes from idempotency keys.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import stamina

from adapters import metrics
from adapters.breaker import CircuitBreaker
from adapters.errors import (
    BackendError,
    BackendResponseError,
    BackendTimeoutError,
    BackendUnavailableError,
    CircuitOpenError,
    DeadlineSpentError,
)
from adapters.scope import RequestScope, current_scope
from adapters.tracing import PlainTracing, Tracing

T = TypeVar("T")
# One attempt: given the headers to send (the trace's), the backend's decoded answer.
Exchange = Callable[[Mapping[str, str]], Awaitable[T]]

_RETRYABLE_STATUS = frozenset({429, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    wait_initial: float = 0.05
    wait_max: float = 0.5
    wait_jitter: float = 0.05


class CallGuard:
    def __init__(
        self,
        name: str,
        *,
        breaker: CircuitBreaker | None = None,
        retry: RetryPolicy | None = None,
        tracing: Tracing | None = None,
    ) -> None:
        self.name = name
        self.breaker = breaker
        self._retry = retry
        self._tracing = tracing or PlainTracing()

    def timeout(self, configured: float, where: str) -> float:
        """The backend's timeout, capped by the request's deadline (passed: a timeout)."""
        scope = current_scope()
        if scope is None:
            return configured
        left = scope.remaining()
        if left <= 0:
            raise DeadlineSpentError(self.name, f"{where}: request deadline passed")
        return min(configured, left)

    async def read(self, method: str, path: str, exchange: Exchange[T]) -> T:
        """One call, retried while its failures may pass."""
        policy = self._retry
        if policy is None or policy.attempts <= 1:
            return await self.call(method, path, exchange)
        # The first attempt outside stamina: setting up its retry context costs more CPU
        # than the call itself, and almost every call succeeds the first time.
        try:
            return await self.call(method, path, exchange)
        except BackendError as error:
            if not _may_pass(error):
                raise
            first_failure: BackendError | None = error
        scope = current_scope()
        async for attempt in stamina.retry_context(
            on=self._retry_hook,
            attempts=policy.attempts,
            timeout=max(0.0, scope.remaining()) if scope else None,
            wait_initial=policy.wait_initial,
            wait_max=policy.wait_max,
            wait_jitter=policy.wait_jitter,
        ):
            with attempt:
                if first_failure is not None:
                    # Handed to stamina as its first attempt's outcome: its hook decides
                    # (budget, Retry-After) and it waits before the next.
                    failure, first_failure = first_failure, None
                    raise failure
                return await self.call(method, path, exchange)
        raise AssertionError("unreachable: stamina re-raises the last error")

    async def call(self, method: str, path: str, exchange: Exchange[T]) -> T:
        """One attempt, never retried."""
        scope = current_scope()
        if scope is not None and scope.remaining() <= 0:
            # Checked before the breaker: a probe of a half-open breaker must not be
            # spent on a call that cannot be made.
            metrics.BACKEND_CALLS.labels(self.name, "deadline").inc()
            raise DeadlineSpentError(self.name, f"{method} {path}: request deadline passed")
        if self.breaker is not None:
            try:
                self.breaker.before_call()
            except BackendError as error:
                metrics.BACKEND_CALLS.labels(self.name, error.code).inc()
                raise
        if scope is not None:
            scope.backend_calls += 1
        started = time.perf_counter()
        try:
            with self._tracing.backend_call(self.name, method, path) as trace_headers:
                result = await exchange(trace_headers)
        except BackendError as error:
            metrics.BACKEND_CALLS.labels(self.name, error.code).inc()
            if self.breaker is not None:
                if _cut_by_deadline(error, scope):
                    self.breaker.record_nothing()
                else:
                    self.breaker.record_failure(error)
            raise
        finally:
            metrics.BACKEND_SECONDS.labels(self.name).observe(time.perf_counter() - started)
        metrics.BACKEND_CALLS.labels(self.name, "ok").inc()
        if self.breaker is not None:
            self.breaker.record_success()
        return result

    def _retry_hook(self, error: Exception) -> bool | float:
        """stamina's backoff hook: retry or not, or how long to wait (Retry-After)."""
        if not isinstance(error, BackendError) or not _may_pass(error):
            return False
        scope = current_scope()
        if scope is not None and not scope.take_retry():
            return False
        retry_after = error.retry_after if isinstance(error, BackendResponseError) else None
        if retry_after is not None and scope is not None and retry_after >= scope.remaining():
            return False
        metrics.BACKEND_RETRIES.labels(self.name).inc()
        return retry_after if retry_after is not None else True


def _cut_by_deadline(error: BackendError, scope: RequestScope | None) -> bool:
    """Whether the request's deadline, not the backend, ended the call: the call never
    started, or it timed out when the request had no time left (its timeout was the rest
    of the deadline, shorter than the backend's own)."""
    if isinstance(error, DeadlineSpentError):
        return True
    return isinstance(error, BackendTimeoutError) and scope is not None and scope.remaining() <= 0


def _may_pass(error: BackendError) -> bool:
    """Whether asking again might work: the backend unreachable or saying "not now"."""
    if isinstance(error, CircuitOpenError):
        return False
    if isinstance(error, BackendResponseError):
        return error.status in _RETRYABLE_STATUS
    # A timeout is not worth another try: asking a slow backend again only adds load.
    return isinstance(error, BackendUnavailableError)
