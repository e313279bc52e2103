"""The event bus notices a stalled node (SIGSTOP: the connection stays open, nothing
answers) by its pings, moves to another node, and tells its followers to read again."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from adapters.events.bus import RESYNC
from adapters.events.redis_bus import RedisBus
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
