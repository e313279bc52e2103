"""Redis behind Sentinel (a primary, a replica, one Sentinel: real processes): the gateway
finds the primary through the Sentinel, serves reads while it is lost, and writes again
on the promoted replica."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

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
