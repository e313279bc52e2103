"""The agents' support inbox: every new message of any open conversation over
graphql-transport-ws, fed by support's hub events; FORBIDDEN to subscribers. Numbers
+79000000096 and +79000000097 are this file's."""

from __future__ import annotations

from tests.conftest import GatewayFactory
from tests.harness.gateway import GatewayClient
from tests.harness.live import hubs_registered, live, until_following

INBOX = "subscription { supportInbox { conversationId author text } }"
START = """mutation($m: Msisdn!, $t: String!) { startSupportConversation(msisdn: $m,
  text: $t, reason: "Связь") { id } }"""
SEND = """mutation($c: ID!, $t: String!) {
  sendSupportMessage(conversationId: $c, text: $t) { author } }"""


async def test_an_agent_hears_every_open_conversation(start_gateway: GatewayFactory) -> None:
    first, second = "+79000000096", "+79000000097"
    async with start_gateway() as gateway, hubs_registered(gateway):
        agent = gateway.agent_token("olga")
        async with live(gateway, agent) as inbox:
            assert (await inbox.receive())["type"] == "connection_ack"
            await inbox.subscribe(INBOX)
            await until_following(gateway, "support:inbox")
            ids: dict[str, str] = {}
            for number in (first, second):
                started = await gateway.query(
                    START,
                    {"m": number, "t": f"Помогите {number}"},
                    token=gateway.subscriber_token(number),
                )
                ids[number] = started.data["startSupportConversation"]["id"]
            await gateway.query(SEND, {"c": ids[first], "t": "Уже смотрим"}, token=agent)
            heard: set[tuple[str, str, str]] = set()
            while len(heard) < 3:
                message = await inbox.receive(within=5)
                assert message["type"] == "next", message
                got = message["payload"]["data"]["supportInbox"]
                heard.add((got["conversationId"], got["author"], got["text"]))
    assert heard == {
        (ids[first], first, f"Помогите {first}"),
        (ids[second], second, f"Помогите {second}"),
        (ids[first], "agent:olga", "Уже смотрим"),
    }


async def test_a_subscriber_cannot_listen_to_the_inbox(gateway: GatewayClient) -> None:
    async with live(gateway, gateway.subscriber_token("+79000000096")) as client:
        assert (await client.receive())["type"] == "connection_ack"
        await client.subscribe(INBOX)
        message = await client.receive()
    assert message["type"] in ("next", "error")
    errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
