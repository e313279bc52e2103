"""Redis behind Sentinel (a primary, a replica, one Sentinel: real processes): the gateway
finds the primary through the Sentinel, serves reads while it is lost, and writes again
on the promoted replica. And the failover bench's Sentinel topology (a primary, two
replicas, three Sentinels) names its primary, sees a promotion and takes a killed
primary back as a replica."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator

import pytest
import redis

from bench.topologies import SentinelTopology
from tests.api.auth_queries import REQUEST_CODE
from tests.api.queries import HOME_SCREEN
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.clock import FakeClock
from tests.harness.redis_sentinel import SERVICE, RedisSentinel

NUMBERS = [f"+790000002{i:02d}" for i in range(40, 46)]


@pytest.fixture
def sentinel() -> Iterator[RedisSentinel]:
    watched = RedisSentinel()
    watched.start()
    yield watched
    watched.cleanup()


async def test_the_gateway_follows_a_sentinel_failover(
    start_gateway: GatewayFactory, sentinel: RedisSentinel, admins: dict[str, BackendAdmin]
) -> None:
    clock = FakeClock()
    async with start_gateway(
        clock,
        redis_url=None,
        redis_sentinels=sentinel.addresses,
        redis_sentinel_service=SERVICE,
        breaker_open_seconds=5,
    ) as gateway:
        tokens = {n: gateway.subscriber_token(n) for n in NUMBERS}
        for number in NUMBERS:
            assert (await gateway.query(HOME_SCREEN, token=tokens[number])).errors == []
        await admins["billing"].reset()
        assert (await gateway.query(HOME_SCREEN, token=tokens[NUMBERS[0]])).errors == []
        assert await admins["billing"].count("/bucket") == 0, "cached in the Sentinel's primary"
        assert (await gateway.query(REQUEST_CODE, {"m": NUMBERS[0]})).codes == []

        sentinel.primary.kill()
        for number in NUMBERS:
            answer = await gateway.query(HOME_SCREEN, token=tokens[number])
            assert answer.errors == [], "reads go to the backends while the primary is lost"
        asked = await gateway.query(REQUEST_CODE, {"m": NUMBERS[1]})
        assert asked.codes in ([], ["TEMPORARILY_UNAVAILABLE"])

        deadline = time.monotonic() + 30
        while sentinel.primary_port() != sentinel.replica.port:
            assert time.monotonic() < deadline, "the Sentinel never promoted the replica"
            # The Sentinel decides in its own time: nothing to await but asking.
            await asyncio.sleep(0.1)
        while (await gateway.query(REQUEST_CODE, {"m": NUMBERS[2]})).codes != []:
            assert time.monotonic() < deadline, "writes never worked again"
            clock.advance(5)  # the Redis breaker half-opens and probes
            await asyncio.sleep(0.1)
        async with gateway.session.get(f"{gateway.url}/readyz") as response:
            assert (await response.json())["checks"]["redis"]["reachable"] is True


@pytest.fixture
def sentinel_topology() -> Iterator[SentinelTopology]:
    topology = SentinelTopology()
    try:
        topology.start()
        yield topology
    finally:
        topology.cleanup()


def test_the_failover_bench_topology_follows_its_sentinels(
    sentinel_topology: SentinelTopology,
) -> None:
    """bench/topologies.py's Sentinel topology (what `make failover --topology sentinel`
    loses nodes of): three Sentinels name the primary, a kill of it is seen as a
    promotion, and the killed server comes back as a replica of the promoted one."""
    sentinel = sentinel_topology.sentinel
    settings = sentinel_topology.gateway_settings()
    assert json.loads(settings["TGW_REDIS_SENTINELS"]) == sentinel.addresses
    assert len(sentinel.addresses) == 3
    first = sentinel_topology.kill_victim()
    assert first is sentinel.primary
    assert {sentinel.primary_port_of(port) for port in sentinel.ports} == {first.port}

    watch = sentinel_topology.watch(first, time.monotonic())
    first.kill()
    promoted_at = watch.wait(60)
    watch.close()
    assert promoted_at is not None, "the Sentinels never promoted a replica"
    second = sentinel_topology.stall_victim()
    assert second in sentinel.replicas
    client = redis.Redis(port=second.port, socket_timeout=2)
    try:
        assert client.set("tgw:bench:probe", "1") is True, "the promoted replica takes writes"
    finally:
        client.close()

    sentinel_topology.restart(first)
    sentinel.until_replica(first)
    assert sentinel.current_primary() is second
