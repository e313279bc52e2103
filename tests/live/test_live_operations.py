"""Any operation over the live transports, as graphql-sse and graphql-ws clients send
them: a query and a mutation run (one `next`, then `complete`), a subscription streams,
an answer in parts is several `next` messages, and errors carry the gateway's codes."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from tests.actions.helpers import key
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient
from tests.harness.live import hubs_registered, live, until_following

NUMBER = "+79000000088"
QUERY = "query Mine { me { msisdn } }"
MUTATION = """mutation TopUp($m: Msisdn!, $k: String) { topUp(msisdn: $m, amount: "100",
  paymentMethod: {cardToken: "tok_visa"}, idempotencyKey: $k) { userErrors { code } } }"""
SUBSCRIPTION = """subscription($m: Msisdn!) { balanceChanged(msisdn: $m) { money { amount } } }"""
DEFERRED = """query { me { msisdn ... @defer(label: "offers") { offers { id } } } }"""


async def sse_events(
    gateway: GatewayClient, body: dict[str, Any], token: str, count: int | None = None
) -> list[tuple[str, Any]]:
    """The events of one SSE request: all of them, or the first `count` (then it hangs up)."""
    headers = {"authorization": f"Bearer {token}", "accept": "text/event-stream"}
    events: list[tuple[str, Any]] = []
    async with gateway.session.post(
        f"{gateway.url}/graphql/stream", json=body, headers=headers
    ) as response:
        assert response.status == 200
        buffer = b""
        async for chunk in response.content.iter_any():
            buffer += chunk
            while b"\n\n" in buffer:
                raw, buffer = buffer.split(b"\n\n", 1)
                lines = dict(line.split(b": ", 1) for line in raw.split(b"\n") if b": " in line)
                data = lines.get(b"data", b"").strip()
                events.append((lines[b"event"].decode(), orjson.loads(data) if data else None))
                if count is not None and len(events) >= count:
                    return events
    return events


async def test_a_query_over_sse_runs(gateway: GatewayClient) -> None:
    events = await sse_events(gateway, {"query": QUERY}, gateway.subscriber_token(NUMBER))
    assert events == [("next", {"data": {"me": {"msisdn": NUMBER}}}), ("complete", None)]


async def test_a_mutation_over_sse_runs(gateway: GatewayClient) -> None:
    body = {"query": MUTATION, "variables": {"m": NUMBER, "k": key()}}
    events = await sse_events(gateway, body, gateway.subscriber_token(NUMBER))
    assert events == [("next", {"data": {"topUp": {"userErrors": []}}}), ("complete", None)]


async def test_a_subscription_over_sse_streams(start_gateway: GatewayFactory) -> None:
    async with start_gateway() as gateway, hubs_registered(gateway):
        token = gateway.subscriber_token(NUMBER)
        body = {"query": SUBSCRIPTION, "variables": {"m": NUMBER}}
        listening = asyncio.create_task(sse_events(gateway, body, token, count=1))
        await until_following(gateway, f"balance:{NUMBER}")
        paid = await gateway.query(MUTATION, {"m": NUMBER, "k": key()}, token=token)
        assert paid.data["topUp"]["userErrors"] == []
        [(kind, payload)] = await asyncio.wait_for(listening, 10)
    assert kind == "next"
    assert payload["data"]["balanceChanged"]["money"]["amount"]


async def test_a_deferred_query_over_sse_is_several_next_events(gateway: GatewayClient) -> None:
    events = await sse_events(gateway, {"query": DEFERRED}, gateway.subscriber_token(NUMBER))
    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "complete"
    assert set(kinds[:-1]) == {"next"}
    assert len(kinds) >= 3
    first = events[0][1]
    assert first["data"] == {"me": {"msisdn": NUMBER}}
    assert first["hasNext"] is True
    parts = [p for _, p in events[1:-1]]
    assert any("offers" in i["data"] for p in parts for i in p.get("incremental", []))
    assert parts[-1]["hasNext"] is False


async def test_a_form_post_to_sse_is_refused(gateway: GatewayClient) -> None:
    async with gateway.session.post(
        f"{gateway.url}/graphql/stream",
        data=orjson.dumps({"query": QUERY}),
        headers={"content-type": "text/plain", "accept": "text/event-stream"},
    ) as response:
        body = await response.json()
    # The body policy of every transport (gateway/body_policy.py): JSON only, 415.
    assert response.status == 415
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
async def test_a_query_and_a_mutation_over_a_socket_run(
    gateway: GatewayClient, protocol: str
) -> None:
    token = gateway.subscriber_token(NUMBER)
    data_type = "next" if protocol == "graphql-transport-ws" else "data"
    async with live(gateway, token, protocol) as client:
        assert (await _receive(client))["type"] == "connection_ack"
        sent = await _send(client, protocol, QUERY)
        answer = await _receive(client)
        me = {"data": {"me": {"msisdn": NUMBER}}}
        assert answer == {"id": sent, "type": data_type, "payload": me}
        assert (await _receive(client)) == {"id": sent, "type": "complete"}
        sent = await _send(client, protocol, MUTATION, {"m": NUMBER, "k": key()})
        answer = await _receive(client)
        assert answer["payload"] == {"data": {"topUp": {"userErrors": []}}}
        assert (await _receive(client))["type"] == "complete"


async def test_a_subscription_over_a_socket_streams(start_gateway: GatewayFactory) -> None:
    async with start_gateway() as gateway, hubs_registered(gateway):
        token = gateway.subscriber_token(NUMBER)
        async with live(gateway, token) as client:
            assert (await client.receive())["type"] == "connection_ack"
            await client.subscribe(SUBSCRIPTION, {"m": NUMBER})
            await until_following(gateway, f"balance:{NUMBER}")
            paid = await gateway.query(MUTATION, {"m": NUMBER, "k": key()}, token=token)
            assert paid.data["topUp"]["userErrors"] == []
            message = await client.receive()
    assert message["type"] == "next"
    assert message["payload"]["data"]["balanceChanged"]["money"]["amount"]


async def test_a_deferred_query_over_a_socket_is_several_next_messages(
    gateway: GatewayClient, admins: dict[str, BackendAdmin]
) -> None:
    await admins["loyalty"].faults(down=True)
    async with live(gateway, gateway.subscriber_token(NUMBER)) as client:
        assert (await client.receive())["type"] == "connection_ack"
        await client.subscribe(DEFERRED)
        first = await client.receive()
        second = await client.receive()
        assert (await client.receive())["type"] == "complete"
    assert first["payload"]["data"] == {"me": {"msisdn": NUMBER}}
    assert first["payload"]["pending"] == [{"id": "0", "path": ["me"], "label": "offers"}]
    [part] = second["payload"]["incremental"]
    assert part["data"] == {"offers": None}
    # The deferred part's error is the gateway's: a stable code, no backend detail.
    assert part["errors"][0]["extensions"]["code"].startswith("BACKEND_")
    assert part["errors"][0]["path"] == ["me", "offers"]
    assert second["payload"]["hasNext"] is False


async def _receive(client: Any) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = await client.receive()
        if message["type"] != "ka":  # the legacy protocol's keep-alive
            return message


async def _send(client: Any, protocol: str, query: str, variables: Any = None) -> str:
    if protocol == "graphql-transport-ws":
        return str(await client.subscribe(query, variables))
    client._next_id += 1
    sent = str(client._next_id)
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = variables
    await client.ws.send_json({"id": sent, "type": "start", "payload": payload})
    return sent


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
async def test_an_invalid_operation_over_a_socket_has_a_stable_code(
    gateway: GatewayClient, protocol: str
) -> None:
    async with live(gateway, gateway.subscriber_token(NUMBER), protocol) as client:
        assert (await _receive(client))["type"] == "connection_ack"
        sent = await _send(client, protocol, "{ me { nope } }")
        answer = await _receive(client)
    assert answer["id"] == sent
    assert answer["type"] == "error"
    errors = answer["payload"] if isinstance(answer["payload"], list) else [answer["payload"]]
    assert [e["extensions"]["code"] for e in errors] == ["GRAPHQL_VALIDATION_FAILED"]
    assert errors[0]["extensions"]["requestId"]
