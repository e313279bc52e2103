"""The edge's checks hold on the live transports too: the allow-list, the shape limits
and the rate limits apply to what comes over WebSocket and SSE."""

from __future__ import annotations

import asyncio
from typing import Any

from gateway.persisted import sha256_of
from tests.conftest import GatewayFactory
from tests.harness.live import live, until_following

NUMBER = "+79000000087"
BALANCE_CHANGED = """subscription($m: Msisdn!) { balanceChanged(msisdn: $m) {
  money { amount } } }"""


def _codes(message: dict[str, Any]) -> list[str]:
    assert message["type"] == "error", message
    return [e["extensions"]["code"] for e in message["payload"]]


async def test_a_too_deep_subscription_is_refused(start_gateway: GatewayFactory) -> None:
    async with (
        start_gateway(max_depth=2) as gateway,
        live(gateway, gateway.subscriber_token(NUMBER)) as client,
    ):
        assert (await client.receive())["type"] == "connection_ack"
        await client.subscribe(BALANCE_CHANGED, {"m": NUMBER})
        assert _codes(await client.receive()) == ["QUERY_TOO_DEEP"]


async def test_operations_over_a_socket_count_against_the_rate_limit(
    start_gateway: GatewayFactory,
) -> None:
    async with (
        start_gateway(rate_per_subscriber=2) as gateway,
        live(gateway, gateway.subscriber_token(NUMBER)) as client,
    ):
        assert (await client.receive())["type"] == "connection_ack"
        for _ in range(2):
            await client.subscribe("{ me { msisdn } }")
            assert (await client.receive())["type"] == "next"
            assert (await client.receive())["type"] == "complete"
        await client.subscribe("{ me { msisdn } }")
        assert _codes(await client.receive()) == ["RATE_LIMITED"]


async def test_the_allow_list_holds_for_subscriptions(start_gateway: GatewayFactory) -> None:
    async with (
        start_gateway(persisted_queries="allowlist") as gateway,
        live(gateway, gateway.subscriber_token(NUMBER)) as client,
    ):
        assert (await client.receive())["type"] == "connection_ack"
        await client.subscribe(BALANCE_CHANGED, {"m": NUMBER})
        assert _codes(await client.receive()) == ["PERSISTED_QUERY_NOT_ALLOWED"]
        await gateway.runtime.persisted.register({sha256_of(BALANCE_CHANGED): BALANCE_CHANGED})
        await client.subscribe(BALANCE_CHANGED, {"m": NUMBER})
        await until_following(gateway, f"balance:{NUMBER}")


async def test_sse_is_held_to_the_shape_limits(start_gateway: GatewayFactory) -> None:
    async with start_gateway(max_depth=2) as gateway:
        headers = {
            "authorization": f"Bearer {gateway.subscriber_token(NUMBER)}",
            "accept": "text/event-stream",
        }
        body = {"query": BALANCE_CHANGED, "variables": {"m": NUMBER}}
        async with gateway.session.post(
            f"{gateway.url}/graphql/stream", json=body, headers=headers
        ) as stream:
            text = await asyncio.wait_for(stream.content.read(), 5)
    assert b"QUERY_TOO_DEEP" in text
    assert text.rstrip().endswith(b"event: complete\ndata:")
