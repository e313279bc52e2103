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
from tests.harness.redis_cluster import RedisCluster

DEMO = "+79000000001"


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
