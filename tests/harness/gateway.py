"""The gateway under test: a real uvicorn server on a loopback port, and a client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import uvicorn
from multidict import CIMultiDict
from starlette.applications import Starlette

from adapters.clock import Clock
from domain.principals import AgentPrincipal, SubscriberPrincipal
from gateway.app import create_app
from gateway.auth import TokenAuthority
from gateway.http_server import ConnectionLimits, ServerConfig
from gateway.lifespan import running
from gateway.runtime import Runtime
from gateway.settings import Settings

TEST_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"
HUB_SECRET = "test-hub-secret-shared-with-the-backends"


@dataclass
class Answer:
    status: int
    body: Any
    headers: CIMultiDict[str]

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = self.body.get("errors") or []
        return errors

    @property
    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]


class GatewayClient:
    def __init__(
        self, url: str, session: aiohttp.ClientSession, tokens: TokenAuthority, runtime: Runtime
    ) -> None:
        self.url = url
        self.session = session
        self.tokens = tokens
        self.runtime = runtime

    def subscriber_token(self, msisdn: str, ttl: int | None = None) -> str:
        return self.tokens.mint(SubscriberPrincipal(msisdn), ttl)

    def agent_token(self, name: str = "agent-smith") -> str:
        return self.tokens.mint(AgentPrincipal(name))

    async def query(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return await self.post(body, token=token, headers=headers)

    async def post(
        self,
        body: Any,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Answer:
        sent = dict(headers or {})
        if token is not None:
            sent["authorization"] = f"Bearer {token}"
        if raw is not None:
            sent.setdefault("content-type", "application/json")
            request = self.session.post(f"{self.url}/graphql", data=raw, headers=sent)
        else:
            request = self.session.post(f"{self.url}/graphql", json=body, headers=sent)
        async with request as response:
            text = await response.text()
            try:
                parsed = await response.json(content_type=None)
            except ValueError:
                parsed = text
            return Answer(response.status, parsed, CIMultiDict(response.headers))


@asynccontextmanager
async def running_gateway(
    settings: Settings,
    clock: Clock | None = None,
    wrap: Callable[[Starlette], Starlette] | None = None,
    port: int = 0,
) -> AsyncIterator[GatewayClient]:
    """`wrap` adds to the app before it serves (the web tests mount the page); `port` is
    for a gateway that must know its own address before it starts (a hub's callback)."""
    app = create_app(settings, clock=clock, secret=TEST_SECRET)
    if wrap is not None:
        app = wrap(app)
    server = uvicorn.Server(
        ServerConfig(
            app,
            ConnectionLimits.from_settings(settings),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            # As `serve` does: a connection a test left open (a browser's live socket or
            # stream) cannot hold the teardown for ever; uvicorn's default waits unbounded.
            timeout_graceful_shutdown=5,
        )
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            await serving
            raise RuntimeError("the gateway did not start")
        # uvicorn offers no start event; yield to the loop until it says it started.
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    runtime = running(app).runtime
    try:
        async with aiohttp.ClientSession() as session:
            yield GatewayClient(f"http://127.0.0.1:{port}", session, runtime.tokens, runtime)
    finally:
        server.should_exit = True
        await serving
