"""What a client may hold on the live transports (gateway/live_connections.py): server-sent
event streams per principal, a WebSocket's time to authenticate on both protocols, and a
WebSocket message's size."""

from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack
from typing import Any

import aiohttp
import pytest

from tests.conftest import GatewayFactory
from tests.harness.gateway import GatewayClient
from tests.harness.live import LiveClient, live, until_following

NUMBER = "+79000000093"
OTHER = "+79000000095"
BALANCE_CHANGED = "subscription($m: Msisdn!) { balanceChanged(msisdn: $m) { stale } }"


def _stream(gateway: GatewayClient, msisdn: str) -> Any:
    headers = {
        "authorization": f"Bearer {gateway.subscriber_token(msisdn)}",
        "accept": "text/event-stream",
    }
    body = {"query": BALANCE_CHANGED, "variables": {"m": msisdn}}
    return gateway.session.post(f"{gateway.url}/graphql/stream", json=body, headers=headers)


async def test_sse_streams_past_the_cap_are_refused(start_gateway: GatewayFactory) -> None:
    async with start_gateway(sse_streams_per_principal=2) as gateway:
        async with AsyncExitStack() as held:
            for _ in range(2):
                stream = await held.enter_async_context(_stream(gateway, NUMBER))
                assert stream.status == 200
            await until_following(gateway, f"balance:{NUMBER}", at_least=2)
            async with _stream(gateway, NUMBER) as third:
                assert third.status == 429
                body = await third.json()
            assert [e["extensions"]["code"] for e in body["errors"]] == ["TOO_MANY_CONNECTIONS"]
            async with _stream(gateway, OTHER) as someone_else:
                assert someone_else.status == 200
        # The two streams are closed: their slots come back (once the server has seen
        # the clients go, hence polled).
        deadline = time.monotonic() + 5
        while True:
            async with _stream(gateway, NUMBER) as again:
                if again.status == 200:
                    break
            assert time.monotonic() < deadline, "the closed streams' slots never came back"
            await asyncio.sleep(0.05)


@pytest.mark.parametrize("protocol", ["graphql-ws", "graphql-transport-ws"])
async def test_a_socket_without_connection_init_is_closed(
    start_gateway: GatewayFactory, protocol: str
) -> None:
    async with start_gateway(ws_init_timeout=0.3) as gateway:
        url = gateway.url.replace("http://", "ws://") + "/graphql"
        async with gateway.session.ws_connect(url, protocols=(protocol,)) as ws:
            message = await ws.receive(timeout=10)
            assert message.type in {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED}
            assert ws.close_code == 4408


async def test_an_authenticated_legacy_socket_outlives_the_init_deadline(
    start_gateway: GatewayFactory,
) -> None:
    async with (
        start_gateway(ws_init_timeout=0.3, ws_keepalive=0.2) as gateway,
        live(gateway, gateway.subscriber_token(NUMBER), protocol="graphql-ws") as client,
    ):
        assert (await _next(client))["type"] == "connection_ack"
        # Keep-alives 0.2 s apart: the third comes after the deadline has passed.
        for _ in range(3):
            assert (await _next(client))["type"] == "ka"
        assert not client.ws.closed


async def _next(client: LiveClient) -> dict[str, Any]:
    message = await client.ws.receive(timeout=5)
    assert message.type == aiohttp.WSMsgType.TEXT, (message, client.ws.close_code)
    data: dict[str, Any] = message.json()
    return data


async def test_a_websocket_message_over_the_body_cap_closes_the_socket(
    start_gateway: GatewayFactory,
) -> None:
    async with start_gateway(max_body_bytes=4096) as gateway:
        url = gateway.url.replace("http://", "ws://") + "/graphql"
        async with gateway.session.ws_connect(url, protocols=("graphql-transport-ws",)) as ws:
            await ws.send_json({"type": "connection_init", "payload": {"padding": "x" * 10_000}})
            message = await ws.receive(timeout=10)
            assert message.type in {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED}
            assert ws.close_code == 1009
