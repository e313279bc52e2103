"""A graphql-transport-ws client on aiohttp's WebSocket, and hub registration for a test
gateway (the backends then POST their events to its listener)."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import orjson

from adapters.events.hubs import HUBS
from adapters.events.signature import sign
from gateway.hub_registration import register_hubs
from tests.harness.gateway import HUB_SECRET, GatewayClient


class LiveClient:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self._next_id = 0

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self._next_id += 1
        sub_id = str(self._next_id)
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        await self.ws.send_json({"id": sub_id, "type": "subscribe", "payload": payload})
        return sub_id

    async def receive(self, within: float = 5) -> dict[str, Any]:
        """The next protocol message other than a ping/pong, within `within` seconds."""
        while True:
            message = await self.ws.receive(timeout=within)
            if message.type != aiohttp.WSMsgType.TEXT:
                return {"type": "closed", "code": self.ws.close_code}
            data: dict[str, Any] = message.json()
            if data.get("type") == "ping":
                await self.ws.send_json({"type": "pong"})
                continue
            if data.get("type") != "pong":
                return data


@asynccontextmanager
async def live(
    gateway: GatewayClient, token: str | None, protocol: str = "graphql-transport-ws"
) -> AsyncIterator[LiveClient]:
    url = gateway.url.replace("http://", "ws://") + "/graphql"
    async with gateway.session.ws_connect(url, protocols=(protocol,)) as ws:
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await ws.send_json({"type": "connection_init", "payload": payload})
        yield LiveClient(ws)


async def until_following(
    gateway: GatewayClient, topic: str, at_least: int = 1, seconds: float = 5
) -> None:
    """A subscription starts in the server's own task: wait until it follows its topic."""
    deadline = time.monotonic() + seconds
    while gateway.runtime.ports.events.following(topic) < at_least:
        assert time.monotonic() < deadline, f"nobody follows {topic}"
        await asyncio.sleep(0.01)


@asynccontextmanager
async def hubs_registered(gateway: GatewayClient) -> AsyncIterator[dict[str, str | None]]:
    ids = await register_hubs(gateway.runtime.event_clients, gateway.url)
    try:
        yield ids
    finally:
        for name, hub_id in ids.items():
            if hub_id is not None:
                client = gateway.runtime.event_clients[name]
                await client.delete(f"{HUBS[name]}/{hub_id}")


_event_ids = itertools.count()


async def post_event(gateway: GatewayClient, backend: str, kind: str, content: Any) -> None:
    """A hub event as `backend` sends it: signed with the test hub secret, a fresh id."""
    body = orjson.dumps(
        {"eventId": f"test-{next(_event_ids)}", "eventType": kind, "event": content}
    )
    async with gateway.session.post(
        f"{gateway.url}/listener/{backend}",
        data=body,
        headers={"x-hub-signature": sign(HUB_SECRET.encode(), body)},
    ) as response:
        assert response.status == 204
