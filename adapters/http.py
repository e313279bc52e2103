"""The one narrow door to the backends: JSON over HTTP with aiohttp.

Each backend gets a `BackendClient` bound to its base URL and timeout, sharing the app's
single `aiohttp.ClientSession`. aiohttp's exceptions stop here and leave as the
`adapters.errors` tree; nothing above this module knows aiohttp exists.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any

import aiohttp
import orjson

from adapters.errors import (
    BackendError,
    BackendNotFoundError,
    BackendResponseError,
    BackendTimeoutError,
    BackendUnavailableError,
)

Params = Mapping[str, str | int]


class BackendClient:
    def __init__(
        self,
        name: str,
        session: aiohttp.ClientSession,
        base_url: str,
        timeout: float,
    ) -> None:
        self.name = name
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def get(self, path: str, params: Params | None = None) -> Any:
        return await self._request("GET", path, params=params)

    async def post(self, path: str, body: Any, params: Params | None = None) -> Any:
        return await self._request("POST", path, params=params, body=body)

    async def delete(self, path: str) -> Any:
        return await self._request("DELETE", path)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Any = None,
    ) -> Any:
        url = self._base_url + path
        data = None if body is None else orjson.dumps(body)
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        try:
            async with self._session.request(
                method,
                url,
                params=params,
                data=data,
                headers=headers,
                timeout=self._timeout,
            ) as response:
                payload = await response.read()
                status = response.status
        except TimeoutError as exc:
            raise BackendTimeoutError(self.name, f"{method} {path}: no answer in time") from exc
        except aiohttp.ClientConnectionError as exc:
            # Refused, reset and dropped connections all mean the same to a caller.
            raise BackendUnavailableError(self.name, f"{method} {path}: {exc}") from exc
        except aiohttp.ClientError as exc:
            raise BackendResponseError(self.name, f"{method} {path}: {exc}") from exc
        except asyncio.CancelledError:
            raise
        return self._decode(method, path, status, payload)

    def _decode(self, method: str, path: str, status: int, payload: bytes) -> Any:
        if status == 404:
            raise BackendNotFoundError(self.name, f"{method} {path}: not found", status)
        if status >= 400:
            raise BackendResponseError(self.name, f"{method} {path}: HTTP {status}", status)
        if not payload:
            return None
        try:
            return orjson.loads(payload)
        except orjson.JSONDecodeError as exc:
            raise BackendResponseError(
                self.name, f"{method} {path}: answer is not JSON", status
            ) from exc


def join_ids(ids: Iterable[str]) -> str:
    """TMF batch filter value: `A,B,C` matches any of the ids."""
    return ",".join(ids)


__all__ = ["BackendClient", "BackendError", "join_ids"]
