"""All shared state works on a Redis Cluster: three nodes started here on loopback."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import aiohttp
import pytest

from backends.runner import BackendsThread
from tests.api.auth_queries import LOG_IN, REFRESH, REQUEST_CODE
from tests.api.queries import DASHBOARD
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.inbox import last_code
from tests.harness.live import live, post_event, until_following
from tests.harness.redis_cluster import RedisCluster

DEMO = "+79000000001"
BALANCE_CHANGED = """subscription($m: Msisdn!) { balanceChanged(msisdn: $m) {
  money { amount } updatedAt } }"""


@pytest.fixture(scope="module")
def cluster() -> Iterator[RedisCluster]:
    nodes = RedisCluster()
    nodes.start()
    yield nodes
    nodes.cleanup()


async def test_the_gateway_on_a_cluster(
    start_gateway: GatewayFactory,
    cluster: RedisCluster,
    admins: dict[str, BackendAdmin],
    http: aiohttp.ClientSession,
    backends: BackendsThread,
) -> None:
    numbers = [f"+790000001{i:02d}" for i in range(20)]
    on_cluster = {"redis_url": None, "redis_cluster_nodes": cluster.addresses}
    async with start_gateway(**on_cluster) as first, start_gateway(**on_cluster) as second:
        agent = first.agent_token()
        # The cache: keys of 20 numbers spread over the three nodes' slots.
        assert (await first.query(DASHBOARD, {"msisdns": numbers}, token=agent)).errors == []
        await admins["billing"].reset()
        again = await second.query(DASHBOARD, {"msisdns": numbers}, token=agent)
        assert again.errors == []
        assert await admins["billing"].count("/bucket") == 0, "cached across processes"

        # Codes and sessions: asked on one process, used on the other.
        assert (await first.query(REQUEST_CODE, {"m": DEMO})).errors == []
        code = await last_code(http, backends.sms_url, DEMO)
        logged = await second.query(LOG_IN, {"m": DEMO, "c": code})
        assert logged.errors == []
        refresh = logged.data["logIn"]["refreshToken"]
        rotated = await first.query(REFRESH, {"t": refresh})
        assert rotated.errors == []
        replay = await second.query(REFRESH, {"t": refresh})
        assert replay.codes == ["INVALID_REFRESH_TOKEN"]
        newest = rotated.data["refreshSession"]["refreshToken"]
        assert (await first.query(REFRESH, {"t": newest})).codes == ["INVALID_REFRESH_TOKEN"]

        # Persisted queries learned on one process run on the other.

        query = "{ tariffs { id } }"
        ext = {
            "persistedQuery": {
                "version": 1,
                "sha256Hash": hashlib.sha256(query.encode()).hexdigest(),
            }
        }
        assert (await first.post({"query": query, "extensions": ext})).errors == []
        assert (await second.post({"extensions": ext})).errors == []


async def test_live_events_cross_processes_on_a_cluster(
    start_gateway: GatewayFactory, cluster: RedisCluster
) -> None:
    number = "+79000000081"
    # Each process listens and publishes through a different node: the event has to
    # cross the cluster bus to arrive.
    first_nodes = cluster.addresses
    second_nodes = [*cluster.addresses[1:], cluster.addresses[0]]
    async with (
        start_gateway(redis_url=None, redis_cluster_nodes=first_nodes) as first,
        start_gateway(redis_url=None, redis_cluster_nodes=second_nodes) as second,
    ):
        token = second.subscriber_token(number)
        async with live(second, token) as client:
            assert (await client.receive())["type"] == "connection_ack"
            await client.subscribe(BALANCE_CHANGED, {"m": number})
            await until_following(second, f"balance:{number}")
            await post_event(
                first,
                "billing",
                "BalanceChangeEvent",
                {"balanceChange": {"logicalResource": [{"id": number}]}},
            )
            message = await client.receive(within=5)
    assert message["type"] == "next"
    assert message["payload"]["data"]["balanceChanged"]["money"]["amount"]
