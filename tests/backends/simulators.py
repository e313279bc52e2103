"""A small typed HTTP client for the simulated backends, as these tests use them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from tests.harness.backends import NO_FAULTS


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    headers: Mapping[str, str]


class Simulators:
    def __init__(self, session: aiohttp.ClientSession, urls: Mapping[str, str]) -> None:
        self.session = session
        self.urls = urls

    def url(self, service: str, path: str) -> str:
        return f"{self.urls[service]}{path}"

    async def request(
        self,
        method: str,
        service: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        async with self.session.request(
            method, self.url(service, path), params=params, json=body, headers=headers
        ) as response:
            payload = await response.json() if response.content_type == "application/json" else None
            return Reply(response.status, payload, dict(response.headers))

    async def get(self, service: str, path: str, **params: str) -> Reply:
        return await self.request("GET", service, path, params=params)

    async def get_ok(self, service: str, path: str, **params: str) -> Any:
        reply = await self.get(service, path, **params)
        assert reply.status == 200, reply.body
        return reply.body

    async def post(self, service: str, path: str, body: Any, key: str | None = None) -> Reply:
        """POST ``body``, with ``key`` as the Idempotency-Key when given."""
        headers = {"Idempotency-Key": key} if key is not None else None
        return await self.request("POST", service, path, body=body, headers=headers)

    async def post_created(self, service: str, path: str, body: Any, key: str | None = None) -> Any:
        reply = await self.post(service, path, body, key)
        assert reply.status == 201, reply.body
        return reply.body

    async def patch(self, service: str, path: str, body: Any) -> Reply:
        return await self.request("PATCH", service, path, body=body)

    async def delete(self, service: str, path: str) -> Reply:
        return await self.request("DELETE", service, path)

    async def set_faults(self, service: str, **changes: Any) -> Reply:
        return await self.request("PUT", service, "/admin/faults", body=changes)

    async def reset_faults(self) -> None:
        """Every simulator's, the support system's too."""
        for service in self.urls:
            reply = await self.set_faults(service, **NO_FAULTS)
            assert reply.status == 200
