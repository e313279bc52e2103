"""The one narrow door to the backends: JSON over HTTP with aiohttp.

Each backend gets a `BackendClient` bound to its base URL, timeout, circuit breaker and
retry policy, sharing the app's single `aiohttp.ClientSession`. aiohttp's exceptions stop
here and leave as the `adapters.errors` tree; nothing above this module knows aiohttp.

- Every call's timeout is capped by what is left of the request's deadline.
- Reads (GET) are retried with jittered backoff (stamina) on failures that may pass
  (unreachable, 502/503/504, 429), within the request's retry budget, honouring
  `Retry-After`. Writes are never retried: their safety comes from idempotency keys.
- A call to a backend whose breaker is open fails at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
import orjson
import stamina

from adapters import metrics
from adapters.breaker import CircuitBreaker
from adapters.errors import (
    BackendError,
    BackendNotFoundError,
    BackendRefusalError,
    BackendResponseError,
    BackendTimeoutError,
    BackendUnavailableError,
    CircuitOpenError,
)
from adapters.scope import current_scope
from adapters.tracing import PlainTracing, Tracing

Params = Mapping[str, str | int]
_RETRYABLE_STATUS = frozenset({429, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    wait_initial: float = 0.05
    wait_max: float = 0.5
    wait_jitter: float = 0.05


class BackendClient:
    def __init__(
        self,
        name: str,
        session: aiohttp.ClientSession,
        base_url: str,
        timeout: float,
        *,
        breaker: CircuitBreaker | None = None,
        retry: RetryPolicy | None = None,
        tracing: Tracing | None = None,
    ) -> None:
        self.name = name
        self.breaker = breaker
        self._tracing = tracing or PlainTracing()
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._retry = retry

    async def get(self, path: str, params: Params | None = None) -> Any:
        policy = self._retry
        scope = current_scope()
        if policy is None or policy.attempts <= 1:
            return await self._once("GET", path, params=params)
        # The first attempt outside stamina: setting up its retry context costs more CPU
        # than the call itself, and almost every call succeeds the first time.
        try:
            return await self._once("GET", path, params=params)
        except BackendError as error:
            if not _may_pass(error):
                raise
            first_failure: BackendError | None = error
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
                return await self._once("GET", path, params=params)
        raise AssertionError("unreachable: stamina re-raises the last error")

    async def post(
        self,
        path: str,
        body: Any,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        return await self._once("POST", path, params=params, body=body, headers=headers)

    async def patch(self, path: str, body: Any, headers: Mapping[str, str] | None = None) -> Any:
        return await self._once("PATCH", path, body=body, headers=headers)

    async def delete(self, path: str) -> Any:
        return await self._once("DELETE", path)

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

    async def _once(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        if self.breaker is not None:
            try:
                self.breaker.before_call()
            except BackendError as error:
                metrics.BACKEND_CALLS.labels(self.name, error.code).inc()
                raise
        scope = current_scope()
        if scope is not None:
            scope.backend_calls += 1
        started = time.perf_counter()
        try:
            with self._tracing.backend_call(self.name, method, path) as trace_headers:
                result = await self._exchange(
                    method, path, params, body, {**trace_headers, **(headers or {})}
                )
        except BackendError as error:
            metrics.BACKEND_CALLS.labels(self.name, error.code).inc()
            if self.breaker is not None:
                self.breaker.record_failure(error)
            raise
        finally:
            metrics.BACKEND_SECONDS.labels(self.name).observe(time.perf_counter() - started)
        metrics.BACKEND_CALLS.labels(self.name, "ok").inc()
        if self.breaker is not None:
            self.breaker.record_success()
        return result

    async def _exchange(
        self,
        method: str,
        path: str,
        params: Params | None,
        body: Any,
        extra_headers: Mapping[str, str] | None,
    ) -> Any:
        timeout = self._timeout
        scope = current_scope()
        if scope is not None:
            timeout = min(timeout, scope.remaining())
            if timeout <= 0:
                raise BackendTimeoutError(self.name, f"{method} {path}: request deadline passed")
        url = self._base_url + path
        data = None if body is None else orjson.dumps(body)
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if extra_headers:
            headers.update(extra_headers)
        try:
            async with self._session.request(
                method,
                url,
                params=params,
                data=data,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=timeout),
            ) as response:
                payload = await response.read()
                status = response.status
                retry_after = _retry_after(response.headers.get("Retry-After"))
        except TimeoutError as exc:
            raise BackendTimeoutError(self.name, f"{method} {path}: no answer in time") from exc
        except aiohttp.ClientConnectionError as exc:
            # Refused, reset and dropped connections all mean the same to a caller.
            raise BackendUnavailableError(self.name, f"{method} {path}: {exc}") from exc
        except aiohttp.ClientError as exc:
            raise BackendResponseError(self.name, f"{method} {path}: {exc}") from exc
        except asyncio.CancelledError:
            raise
        return self._decode(method, path, status, payload, retry_after)

    def _decode(
        self, method: str, path: str, status: int, payload: bytes, retry_after: float | None
    ) -> Any:
        if status == 404:
            raise BackendNotFoundError(self.name, f"{method} {path}: not found", status)
        if status in (400, 409, 422):
            reason = _tmf_error_code(payload)
            if reason is not None:
                raise BackendRefusalError(
                    self.name, f"{method} {path}: refused, {reason}", status, reason
                )
        if status >= 400:
            raise BackendResponseError(
                self.name,
                f"{method} {path}: HTTP {status}",
                status,
                body=payload[:2000],
                retry_after=retry_after,
            )
        if not payload:
            return None
        try:
            return orjson.loads(payload)
        except orjson.JSONDecodeError as exc:
            raise BackendResponseError(
                self.name, f"{method} {path}: answer is not JSON", status
            ) from exc


def _may_pass(error: BackendError) -> bool:
    """Whether asking again might work: the backend unreachable or saying "not now"."""
    if isinstance(error, CircuitOpenError):
        return False
    if isinstance(error, BackendResponseError):
        return error.status in _RETRYABLE_STATUS
    # A timeout is not worth another try: asking a slow backend again only adds load.
    return isinstance(error, BackendUnavailableError)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _tmf_error_code(payload: bytes) -> str | None:
    try:
        body = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) and code else None


def join_ids(ids: Iterable[str]) -> str:
    """TMF batch filter value: `A,B,C` matches any of the ids."""
    return ",".join(ids)


__all__ = ["BackendClient", "BackendError", "RetryPolicy", "join_ids"]
