"""HTTP to SigScale OCS: Basic auth, request headers (``Range``), answer headers
(``Content-Range``, ``Etag``, ``Location``) and a cap on requests in flight.

``adapters.http.BackendClient`` speaks to the TMF v4 backends and has none of these, so
this is a small client of its own on the shared ``aiohttp.ClientSession``. As there,
aiohttp's exceptions stop here and leave as the ``adapters.errors`` tree, and every call
goes through a ``CallGuard`` (breaker, deadline, retried reads, metrics, trace headers).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
import orjson

from adapters.billing.ocs.answers import Answer
from adapters.billing.ocs.problems import read_problem
from adapters.calls import CallGuard
from adapters.errors import (
    BackendNotFoundError,
    BackendResponseError,
)
from adapters.http import backend_errors

Params = Mapping[str, str]
log = logging.getLogger(__name__)


class OcsClient:
    def __init__(
        self,
        name: str,
        session: aiohttp.ClientSession,
        base_url: str,
        authorization: str,
        timeout: float,
        concurrency: int,
        guard: CallGuard | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, not {concurrency}")
        self.name = name
        self._session = session
        self._base_url = base_url.rstrip("/")
        # The whole `Authorization` header value (`Basic ...`), encoded once.
        self._authorization = authorization
        self._timeout = timeout
        self._guard = guard or CallGuard(name)
        # OCS has no batch filter, so a batch of N numbers is N calls (2N, counting the
        # product lookup); the cap keeps a 500-number dashboard from opening 1000
        # connections to the charging system that also serves live sessions.
        self._slots = asyncio.Semaphore(concurrency)

    async def get(
        self, path: str, params: Params | None = None, headers: Mapping[str, str] | None = None
    ) -> Answer:
        return await self._guard.read(
            "GET", path, lambda trace: self._request("GET", path, trace, params, headers)
        )

    async def delete(self, path: str) -> Answer:
        return await self._guard.call(
            "DELETE", path, lambda trace: self._request("DELETE", path, trace)
        )

    async def post(self, path: str, body: Any) -> Answer:
        return await self._guard.call(
            "POST", path, lambda trace: self._request("POST", path, trace, body=body)
        )

    async def _request(
        self,
        method: str,
        path: str,
        trace: Mapping[str, str],
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> Answer:
        # Exactly `application/json`: OCS matches Accept as a whole string, so a list of
        # types would be refused, and its RFC 7807 errors are only sent when asked for.
        sent = {
            **trace,
            "Accept": "application/json",
            "Authorization": self._authorization,
            **(headers or {}),
        }
        data = None
        if body is not None:
            data = orjson.dumps(body)
            # Without it OCS answers 415 to a POST.
            sent["Content-Type"] = "application/json"
        where = f"{method} {path}"
        timeout = aiohttp.ClientTimeout(total=self._guard.timeout(self._timeout, where))
        with backend_errors(self.name, where):
            async with (
                self._slots,
                self._session.request(
                    method,
                    self._base_url + path,
                    params=params,
                    data=data,
                    headers=sent,
                    timeout=timeout,
                ) as response,
            ):
                payload = await response.read()
                status = response.status
                answer_headers = response.headers
                content_type = response.content_type
        if status >= 400:
            raise self._error(where, status, content_type, payload)
        return Answer(status, answer_headers, self._decode(where, status, payload))

    def _error(
        self, where: str, status: int, content_type: str, payload: bytes
    ) -> BackendResponseError:
        problem = read_problem(content_type, payload)
        message = f"{where}: HTTP {status} {problem.text}".rstrip()
        # OCS answers "no such service" in JSON; a path it does not serve is inets' HTML
        # page (recorded 2026-12-06): a wrong base URL, never an unknown subscriber.
        no_such_path = problem.no_such_path or "html" in content_type
        if status == 404 and not no_such_path:
            return BackendNotFoundError(self.name, message, status)
        if status == 404 or status == 401:
            log.error(
                "%s %s: the base URL or the credentials are wrong (%s)",
                self.name,
                where,
                "no such path" if status == 404 else "unauthorized",
            )
        return BackendResponseError(self.name, message, status)

    def _decode(self, where: str, status: int, payload: bytes) -> Any:
        if not payload:
            return None
        try:
            return orjson.loads(payload)
        except orjson.JSONDecodeError as exc:
            raise BackendResponseError(self.name, f"{where}: answer is not JSON", status) from exc
