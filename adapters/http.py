"""The one narrow door to the backends: JSON over HTTP with aiohttp.

Each backend gets a `BackendClient` bound to its base URL, timeout, circuit breaker and
retry policy, sharing the app's single `aiohttp.ClientSession`. aiohttp's exceptions stop
here and leave as the `adapters.errors` tree; nothing above this module knows aiohttp.
What every call goes through (breaker, deadline, retries of reads, metrics, trace
headers) is `adapters.calls.CallGuard`, shared with the SigScale OCS client.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
import orjson

from adapters.breaker import CircuitBreaker
from adapters.calls import CallGuard, RetryPolicy
from adapters.errors import (
    BackendError,
    BackendNotFoundError,
    BackendRefusalError,
    BackendResponseError,
    BackendTimeoutError,
    BackendUnavailableError,
)
from adapters.tracing import Tracing

Params = Mapping[str, str | int]


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
        self._guard = CallGuard(name, breaker=breaker, retry=retry, tracing=tracing)
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout

    async def get(self, path: str, params: Params | None = None) -> Any:
        return await self._guard.read(
            "GET", path, lambda trace: self._exchange("GET", path, params, None, trace)
        )

    async def post(
        self,
        path: str,
        body: Any,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        return await self._guard.call(
            "POST",
            path,
            lambda trace: self._exchange("POST", path, params, body, {**trace, **(headers or {})}),
        )

    async def patch(self, path: str, body: Any, headers: Mapping[str, str] | None = None) -> Any:
        return await self._guard.call(
            "PATCH",
            path,
            lambda trace: self._exchange("PATCH", path, None, body, {**trace, **(headers or {})}),
        )

    async def delete(self, path: str) -> Any:
        return await self._guard.call(
            "DELETE", path, lambda trace: self._exchange("DELETE", path, None, None, trace)
        )

    async def _exchange(
        self,
        method: str,
        path: str,
        params: Params | None,
        body: Any,
        extra_headers: Mapping[str, str] | None,
    ) -> Any:
        timeout = self._guard.timeout(self._timeout, f"{method} {path}")
        url = self._base_url + path
        data = None if body is None else orjson.dumps(body)
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if extra_headers:
            headers.update(extra_headers)
        with backend_errors(self.name, f"{method} {path}"):
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


@contextmanager
def backend_errors(backend: str, where: str) -> Iterator[None]:
    """aiohttp's exceptions as the `adapters.errors` tree (`where`: "GET /path")."""
    try:
        yield
    except TimeoutError as exc:
        raise BackendTimeoutError(backend, f"{where}: no answer in time") from exc
    except aiohttp.ClientConnectionError as exc:
        # Refused, reset and dropped connections all mean the same to a caller.
        raise BackendUnavailableError(backend, f"{where}: {exc}") from exc
    except aiohttp.ClientError as exc:
        raise BackendResponseError(backend, f"{where}: {exc}") from exc


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
