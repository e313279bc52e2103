"""Live updates over graphql-transport-ws and SSE, fed by the backends' hub events."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import orjson

from adapters.events.signature import sign
from tests.actions.helpers import key
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.clock import FakeClock
from tests.harness.gateway import HUB_SECRET, GatewayClient
from tests.harness.live import LiveClient, hubs_registered, live, until_following

BALANCE_CHANGED = """subscription($m: Msisdn!) { balanceChanged(msisdn: $m) {
  money { amount } updatedAt } }"""
ORDER_UPDATED = """subscription($m: Msisdn!) { orderUpdated(msisdn: $m) {
  id state items { action offeringId } } }"""
TOP_UP = """mutation($m: Msisdn!, $k: String) { topUp(msisdn: $m, amount: "100",
  paymentMethod: {cardToken: "tok_visa"}, idempotencyKey: $k) { topUpId userErrors { code } } }"""


async def test_a_top_up_reaches_a_subscriber_on_another_process(
    start_gateway: GatewayFactory,
) -> None:
    number = "+79000000080"
    async with start_gateway() as first, start_gateway() as second, hubs_registered(first):
        token = second.subscriber_token(number)
        async with live(second, token) as client:
            assert (await client.receive())["type"] == "connection_ack"
            await client.subscribe(BALANCE_CHANGED, {"m": number})
            await until_following(second, f"balance:{number}")
            done = await first.query(TOP_UP, {"m": number, "k": key()}, token=token)
            assert done.data["topUp"]["userErrors"] == []
            message = await client.receive(within=5)
    assert message["type"] == "next"
    new_amount = message["payload"]["data"]["balanceChanged"]["money"]["amount"]
    async with start_gateway() as third:
        now = await third.query(
            "query($m: Msisdn!) { subscriber(msisdn: $m) { balance { money { amount } } } }",
            {"m": number},
            token=third.subscriber_token(number),
        )
    assert now.data["subscriber"]["balance"]["money"]["amount"] == new_amount


async def test_an_order_moves_through_its_states(start_gateway: GatewayFactory) -> None:
    number = "+79000000081"
    async with start_gateway() as gateway, hubs_registered(gateway):
        token = gateway.subscriber_token(number)
        catalog = await gateway.runtime.ports.provisioning.catalog()
        products = await gateway.runtime.ports.provisioning.products([number])
        tariff = next(p.offering_id for p in products[number] if p.offering_id.startswith("T-"))
        have = {p.offering_id for p in products[number]}
        service = next(
            s.id
            for s in catalog.services
            if s.id not in have and (not s.available_for or tariff in s.available_for)
        )
        async with live(gateway, token) as client:
            assert (await client.receive())["type"] == "connection_ack"
            await client.subscribe(ORDER_UPDATED, {"m": number})
            await until_following(gateway, f"order:{number}")
            connect = """mutation($m: Msisdn!, $s: ID!, $k: String) { connectService(msisdn: $m,
              serviceId: $s, idempotencyKey: $k) { orderId userErrors { code } } }"""
            placed = await gateway.query(
                connect, {"m": number, "s": service, "k": key()}, token=token
            )
            order_id = placed.data["connectService"]["orderId"]
            states = []
            while "COMPLETED" not in states:
                message = await client.receive(within=5)
                assert message["type"] == "next", message
                order = message["payload"]["data"]["orderUpdated"]
                assert order["id"] == order_id
                states.append(order["state"])
    assert states == ["ACKNOWLEDGED", "IN_PROGRESS", "COMPLETED"]


async def test_a_stranger_cannot_subscribe_to_another_number(gateway: GatewayClient) -> None:
    async with live(gateway, gateway.subscriber_token("+79000000082")) as client:
        assert (await client.receive())["type"] == "connection_ack"
        await client.subscribe(BALANCE_CHANGED, {"m": "+79000000083"})
        message = await client.receive()
    assert message["type"] == "next" or message["type"] == "error"
    errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_no_token_no_connection(gateway: GatewayClient) -> None:
    async with live(gateway, None) as client:
        message = await client.receive()
    assert message == {"type": "closed", "code": 4403}


async def test_an_expired_token_closes_the_socket(start_gateway: GatewayFactory) -> None:
    number = "+79000000084"
    clock = FakeClock()
    async with start_gateway(clock) as gateway, hubs_registered(gateway):
        short = gateway.subscriber_token(number, ttl=60)
        async with live(gateway, short) as client:
            assert (await client.receive())["type"] == "connection_ack"
            await client.subscribe(BALANCE_CHANGED, {"m": number})
            await until_following(gateway, f"balance:{number}")
            clock.advance(61)
            fresh = gateway.subscriber_token(number)
            await gateway.query(TOP_UP, {"m": number, "k": key()}, token=fresh)
            message = await client.receive(within=5)
    assert message == {"type": "closed", "code": 4403}


async def test_a_forged_event_is_refused_and_changes_nothing(
    gateway: GatewayClient, admins: dict[str, BackendAdmin]
) -> None:
    number = "+79000000085"
    read = "query($m: Msisdn!) { subscriber(msisdn: $m) { balance { money { amount } } } }"
    token = gateway.subscriber_token(number)
    await gateway.query(read, {"m": number}, token=token)
    event = orjson.dumps(
        {
            "eventId": "forged-1",
            "eventTime": "2026-11-25T12:00:00Z",
            "eventType": "BalanceChangeEvent",
            "event": {"balanceChange": {"logicalResource": [{"id": number}]}},
        }
    )
    forged = sign(b"not-the-secret", event)
    async with gateway.session.post(
        f"{gateway.url}/listener/billing",
        data=event,
        headers={"x-hub-signature": forged, "content-type": "application/json"},
    ) as response:
        assert response.status == 401
    async with gateway.session.post(f"{gateway.url}/listener/billing", data=event) as response:
        assert response.status == 401
    await admins["billing"].reset()
    await gateway.query(read, {"m": number}, token=token)
    assert await admins["billing"].count("/bucket") == 0, "the cached balance survived"

    genuine = sign(HUB_SECRET.encode(), event)
    async with gateway.session.post(
        f"{gateway.url}/listener/billing", data=event, headers={"x-hub-signature": genuine}
    ) as response:
        assert response.status == 204
    await gateway.query(read, {"m": number}, token=token)
    assert await admins["billing"].count("/bucket") == 1, "a signed event invalidates"


async def test_support_chat_between_a_subscriber_and_an_agent(
    start_gateway: GatewayFactory,
) -> None:
    number = "+79000000086"
    async with start_gateway() as gateway, hubs_registered(gateway):
        token = gateway.subscriber_token(number)
        agent = gateway.agent_token("olga")
        started = await gateway.query(
            """mutation($m: Msisdn!) { startSupportConversation(msisdn: $m,
              text: "Не работает интернет", reason: "Интернет") { id messages { text } } }""",
            {"m": number},
            token=token,
        )
        conversation = started.data["startSupportConversation"]["id"]
        queue = await gateway.query("{ openSupportConversations { id msisdn } }", token=agent)
        assert {"id": conversation, "msisdn": number} in queue.data["openSupportConversations"]
        stranger = await gateway.query(
            "subscription($c: ID!) { supportMessages(conversationId: $c) { text } }",
            {"c": conversation},
            token=gateway.subscriber_token("+79000000087"),
        )
        assert stranger.codes  # subscriptions are not served over POST at all
        watch = "subscription($c: ID!) { supportMessages(conversationId: $c) { author text } }"
        send = """mutation($c: ID!, $t: String!) {
          sendSupportMessage(conversationId: $c, text: $t) { author } }"""
        async with live(gateway, token) as mine, live(gateway, agent) as theirs:
            assert (await mine.receive())["type"] == "connection_ack"
            assert (await theirs.receive())["type"] == "connection_ack"
            await mine.subscribe(watch, {"c": conversation})
            await theirs.subscribe(watch, {"c": conversation})
            await until_following(gateway, f"conversation:{conversation}", at_least=2)
            reply = await gateway.query(
                send, {"c": conversation, "t": "Перезагрузите телефон"}, token=agent
            )
            assert reply.data["sendSupportMessage"]["author"] == "agent:olga"
            got = await _after_opening(mine, number)
            assert got == {"author": "agent:olga", "text": "Перезагрузите телефон"}
            assert await _after_opening(theirs, number) == got
            await gateway.query(send, {"c": conversation, "t": "Помогло, спасибо"}, token=token)
            heard = (await theirs.receive())["payload"]["data"]["supportMessages"]
            assert heard == {"author": number, "text": "Помогло, спасибо"}
        ticket = await gateway.query(
            """mutation($c: ID!) { escalateToTicket(conversationId: $c,
              description: "Снова не работает") { id status } }""",
            {"c": conversation},
            token=token,
        )
        assert ticket.data["escalateToTicket"]["status"] == "acknowledged"
        again = await gateway.query(
            """mutation($c: ID!) { escalateToTicket(conversationId: $c,
              description: "Ещё раз") { id status } }""",
            {"c": conversation},
            token=token,
        )
        assert again.codes == ["ALREADY_ESCALATED"]
        seen = await gateway.query(
            "query($m: Msisdn!) { supportConversation(msisdn: $m) { id ticketId } }",
            {"m": number},
            token=token,
        )
        assert seen.data["supportConversation"] == {
            "id": conversation,
            "ticketId": ticket.data["escalateToTicket"]["id"],
        }


async def test_server_sent_events(start_gateway: GatewayFactory) -> None:
    number = "+79000000088"
    async with start_gateway() as gateway, hubs_registered(gateway):
        token = gateway.subscriber_token(number)
        headers = {"authorization": f"Bearer {token}", "accept": "text/event-stream"}
        body = {"query": BALANCE_CHANGED, "variables": {"m": number}}
        async with gateway.session.post(
            f"{gateway.url}/graphql/stream", json=body, headers=headers
        ) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            await until_following(gateway, f"balance:{number}")
            await gateway.query(TOP_UP, {"m": number, "k": key()}, token=token)
            event = await asyncio.wait_for(stream.content.readuntil(b"\n\n"), 5)
    assert event.startswith(b"event: next\ndata: ")
    data = orjson.loads(event.split(b"data: ", 1)[1])
    assert data["data"]["balanceChanged"]["money"]["amount"]


async def test_sse_refuses_a_strangers_number(
    gateway: GatewayClient, http: aiohttp.ClientSession
) -> None:
    headers = {"authorization": f"Bearer {gateway.subscriber_token('+79000000082')}"}
    body = {"query": BALANCE_CHANGED, "variables": {"m": "+79000000083"}}
    async with http.post(f"{gateway.url}/graphql/stream", json=body, headers=headers) as stream:
        text = await asyncio.wait_for(stream.content.read(), 5)
    assert b"FORBIDDEN" in text
    assert text.rstrip().endswith(b"event: complete\ndata:")


async def test_connections_per_principal_are_capped(start_gateway: GatewayFactory) -> None:
    async with start_gateway(ws_connections_per_principal=2) as gateway:
        token = gateway.subscriber_token("+79000000089")
        async with live(gateway, token) as one, live(gateway, token) as two:
            assert (await one.receive())["type"] == "connection_ack"
            assert (await two.receive())["type"] == "connection_ack"
            async with live(gateway, token) as three:
                assert await three.receive() == {"type": "closed", "code": 4403}
        # Closed connections free their places.
        async with live(gateway, token) as again:
            assert (await again.receive())["type"] == "connection_ack"


async def _after_opening(connection: LiveClient, number: str) -> dict[str, Any]:
    """The next message on a conversation's subscription, past its opening message: support's
    hub announces the opening asynchronously, so it may still arrive after a subscription
    made right after the conversation was started."""
    message: dict[str, Any] = (await connection.receive())["payload"]["data"]["supportMessages"]
    if message == {"author": number, "text": "Не работает интернет"}:
        message = (await connection.receive())["payload"]["data"]["supportMessages"]
    return message


async def test_a_retried_conversation_start_is_the_same_conversation(
    gateway: GatewayClient,
) -> None:
    number = "+79000000089"
    token = gateway.subscriber_token(number)
    start = """mutation($m: Msisdn!, $t: String!, $k: String) {
      startSupportConversation(msisdn: $m, text: $t, idempotencyKey: $k) {
        id messages { text } } }"""
    first_key = key()
    first = await gateway.query(start, {"m": number, "t": "Нет связи", "k": first_key}, token=token)
    again = await gateway.query(start, {"m": number, "t": "Нет связи", "k": first_key}, token=token)
    other = await gateway.query(start, {"m": number, "t": "Другое", "k": first_key}, token=token)
    assert first.errors == []
    assert again.errors == []
    started, retried = (
        first.data["startSupportConversation"],
        again.data["startSupportConversation"],
    )
    assert retried["id"] == started["id"]
    # The first message once, not sent again by the retry.
    assert [m["text"] for m in retried["messages"]].count("Нет связи") == 1
    assert other.codes == ["IDEMPOTENCY_KEY_REUSED"]
