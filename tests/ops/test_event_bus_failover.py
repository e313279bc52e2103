"""The event bus notices a stalled node (SIGSTOP: the connection stays open, nothing
answers) by its pings, moves to another node, and tells its followers to read again."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from adapters.events.bus import RESYNC
from adapters.events.records import encode_event
from adapters.events.redis_bus import RedisBus
from domain.events import MessagePosted
from domain.support import MessageRecord
from tests.conftest import GatewayFactory
from tests.harness.live import live, post_event, until_following
from tests.harness.redis_cluster import RedisCluster

BALANCE_CHANGED = """subscription($m: Msisdn!) { balanceChanged(msisdn: $m) {
  money { amount } } }"""


@pytest.fixture
def cluster() -> Iterator[RedisCluster]:
    nodes = RedisCluster()
    nodes.start()
    yield nodes
    nodes.cleanup()


async def test_a_stalled_bus_node_is_left_and_subscribers_read_again(
    start_gateway: GatewayFactory, cluster: RedisCluster
) -> None:
    number = "+79000000233"
    async with start_gateway(
        redis_url=None, redis_cluster_nodes=cluster.addresses, redis_pubsub_check=0.5
    ) as gateway:
        bus = gateway.runtime.ports.events
        assert isinstance(bus, RedisBus)
        assert bus.node == 0
        token = gateway.subscriber_token(number)
        async with (
            live(gateway, token) as client,
            bus.follow(f"balance:{number}") as follower,
        ):
            assert (await client.receive())["type"] == "connection_ack"
            sub = await client.subscribe(BALANCE_CHANGED, {"m": number})
            await until_following(gateway, f"balance:{number}", at_least=2)

            cluster.nodes[0].pause()
            try:
                deadline = time.monotonic() + 20
                while bus.reconnects == 0:
                    assert time.monotonic() < deadline, "the bus never left the stalled node"
                    # The bus pings in its own task: nothing to await but looking again.
                    await asyncio.sleep(0.05)
                assert bus.node != 0
                assert await follower.next() == RESYNC
                # The subscriber reads its balance again without any event.
                told = await client.receive(within=10)
                assert (told["type"], told["id"]) == ("next", sub)
                assert told["payload"]["data"]["balanceChanged"]["money"]["amount"]

                # Events flow again, through another node.
                await post_event(
                    gateway,
                    "billing",
                    "BalanceChangeEvent",
                    {"balanceChange": {"logicalResource": [{"id": number}]}},
                )
                assert await follower.next() != RESYNC
                after = await client.receive(within=10)
                assert (after["type"], after["id"]) == ("next", sub)
            finally:
                cluster.nodes[0].resume()


ORDER_UPDATED = "subscription($m: Msisdn!) { orderUpdated(msisdn: $m) { id state } }"
SUPPORT_MESSAGES = "subscription($c: ID!) { supportMessages(conversationId: $c) { text } }"


async def test_order_and_message_subscribers_are_told_to_refetch_after_the_bus_moved(
    start_gateway: GatewayFactory, cluster: RedisCluster
) -> None:
    """Orders' moves and messages are not replayed: after a RESYNC each such subscription
    gets one error `next` with RESYNC_REQUIRED, and goes on listening."""
    number = "+79000000234"
    async with start_gateway(
        redis_url=None, redis_cluster_nodes=cluster.addresses, redis_pubsub_check=0.5
    ) as gateway:
        bus = gateway.runtime.ports.events
        assert isinstance(bus, RedisBus)
        token = gateway.subscriber_token(number)
        started = await gateway.query(
            """mutation($m: Msisdn!) { startSupportConversation(msisdn: $m,
              text: "Нет связи", reason: "Связь") { id } }""",
            {"m": number},
            token=token,
        )
        conversation = started.data["startSupportConversation"]["id"]
        async with live(gateway, token) as client:
            assert (await client.receive())["type"] == "connection_ack"
            orders = await client.subscribe(ORDER_UPDATED, {"m": number})
            messages = await client.subscribe(SUPPORT_MESSAGES, {"c": conversation})
            await until_following(gateway, f"order:{number}")
            await until_following(gateway, f"conversation:{conversation}")

            cluster.nodes[0].pause()
            try:
                told: dict[str, list[str]] = {}
                while set(told) != {orders, messages}:
                    message = await client.receive(within=20)
                    assert message["type"] == "next", message
                    errors = message["payload"].get("errors")
                    assert errors, f"only the refetch request was expected: {message}"
                    codes = [e["extensions"]["code"] for e in errors]
                    assert message["id"] not in told, "one refetch request per resync"
                    told[message["id"]] = codes
                assert told == {orders: ["RESYNC_REQUIRED"], messages: ["RESYNC_REQUIRED"]}
                assert bus.reconnects >= 1

                # Both subscriptions go on: an event published now reaches its subscriber.
                posted = MessagePosted(
                    MessageRecord("m-after", conversation, "agent:olga", "Снова на связи", None)
                )
                await bus.publish(f"conversation:{conversation}", encode_event(posted))
                after = await client.receive(within=10)
                assert (after["type"], after["id"]) == ("next", messages)
                assert after["payload"]["data"]["supportMessages"] == {"text": "Снова на связи"}
            finally:
                cluster.nodes[0].resume()
