"""A Redis primary lost under a running gateway (a real cluster with replicas), and a
Redis stall in front of healthy backends: reads keep being answered from the backends,
security state fails closed with its code, /readyz says degraded, and no healthy
backend's breaker opens for what Redis did."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.auth_queries import REQUEST_CODE
from tests.api.queries import BALANCE, HOME_SCREEN
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.clock import FakeClock
from tests.harness.gateway import GatewayClient
from tests.harness.redis_cluster import RedisCluster
from tests.harness.redis_server import RedisServer

NUMBERS = [f"+790000002{i:02d}" for i in range(12)]
# The cluster client's own retries (redis-py's defaults) held a read 3-6 s; the bound is
# TGW_REDIS_TIMEOUT (0.25 s here) per Redis operation. Wide: this is structure, not speed.
WIDE = 2.0


@pytest.fixture
def replicated() -> Iterator[RedisCluster]:
    cluster = RedisCluster(replicas=1, node_timeout_ms=2000)
    cluster.start()
    yield cluster
    cluster.cleanup()


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.cleanup()


async def _readyz(gateway: GatewayClient) -> tuple[int, Any]:
    async with gateway.session.get(f"{gateway.url}/readyz") as response:
        return response.status, await response.json()


async def _healthz(gateway: GatewayClient) -> Any:
    async with gateway.session.get(f"{gateway.url}/healthz") as response:
        return await response.json()


async def test_a_lost_primary_is_served_around(
    start_gateway: GatewayFactory, replicated: RedisCluster, namespace: str
) -> None:
    clock = FakeClock()
    async with start_gateway(
        clock,
        redis_url=None,
        redis_cluster_nodes=replicated.addresses[:3],
        redis_timeout=0.25,
        breaker_open_seconds=5,
    ) as gateway:
        tokens = {n: gateway.subscriber_token(n) for n in NUMBERS}
        for number in NUMBERS:
            assert (await gateway.query(HOME_SCREEN, token=tokens[number])).errors == []
        status, ready = await _readyz(gateway)
        assert (status, ready["status"]) == (200, "ready")

        victim = replicated.primary_of(f"{namespace}:balance:v1:{NUMBERS[0]}")
        victim.kill()

        status, ready = await _readyz(gateway)
        assert status == 200, "a lost primary is served around: still ready"
        assert ready["status"] == "degraded"
        assert ready["checks"]["redis"]["state"] == "degraded"
        assert list(ready["checks"]["redis"]["failing"]) == [f"127.0.0.1:{victim.port}"]

        slowest = 0.0
        for number in NUMBERS:
            started = time.monotonic()
            answer = await gateway.query(HOME_SCREEN, token=tokens[number])
            slowest = max(slowest, time.monotonic() - started)
            assert answer.errors == [], "reads go to the backends while the primary is lost"
        assert slowest < WIDE, f"a home screen took {slowest:.1f} s"

        # Security state: answered, or closed with its code; never let through unsure.
        for number in NUMBERS[:6]:
            started = time.monotonic()
            asked = await gateway.query(REQUEST_CODE, {"m": number})
            assert asked.codes in ([], ["TEMPORARILY_UNAVAILABLE"])
            assert time.monotonic() - started < WIDE

        # The replica takes over; once the breaker lets Redis be tried again, writes work.
        replicated.until_ok()
        clock.advance(5)
        deadline = time.monotonic() + 20
        # RATE_LIMITED ("a code was sent a moment ago") is the store read and written too:
        # an earlier try whose keys were split across the lost and a living slot may have
        # sent the code and then answered TEMPORARILY_UNAVAILABLE.
        while (await gateway.query(REQUEST_CODE, {"m": NUMBERS[-1]})).codes not in (
            [],
            ["RATE_LIMITED"],
        ):
            assert time.monotonic() < deadline, "writes never worked again"
            clock.advance(5)
            # The client refreshes its topology on the failures: nothing to await but that.
            await asyncio.sleep(0.2)
        breakers = (await _healthz(gateway))["breakers"]
        assert {name: state for name, state in breakers.items() if name != "redis"} == {
            name: "closed" for name in breakers if name != "redis"
        }


async def test_a_redis_stall_opens_no_backend_breaker(
    start_gateway: GatewayFactory, own_redis: RedisServer, admins: dict[str, BackendAdmin]
) -> None:
    # Redis slower than the whole request: each request's deadline is spent in front of
    # the backends. Those calls are the request's failure, not billing's or provisioning's.
    async with start_gateway(
        redis_url=own_redis.url,
        redis_timeout=2.0,
        request_deadline=0.3,
        breaker_failures=2,
        breaker_open_seconds=60,
    ) as gateway:
        token = gateway.subscriber_token(NUMBERS[0])
        assert (await gateway.query(BALANCE, token=token)).errors == []
        own_redis.pause()
        try:
            stalled = [await gateway.query(HOME_SCREEN, token=token) for _ in range(4)]
        finally:
            own_redis.resume()
        assert any(answer.errors for answer in stalled), "the deadline was spent in Redis"
        breakers = (await _healthz(gateway))["breakers"]
        healthy = {name: state for name, state in breakers.items() if name != "redis"}
        assert healthy == dict.fromkeys(healthy, "closed")
        assert (await gateway.query(HOME_SCREEN, token=token)).errors == []
