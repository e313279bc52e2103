"""Redis stopped and started again mid-run: no failed read, no login try let through."""

from __future__ import annotations

from collections.abc import Iterator

import aiohttp
import pytest

from backends.runner import BackendsThread
from tests.api.auth_queries import LOG_IN, REQUEST_CODE
from tests.api.queries import BALANCE
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.clock import FakeClock
from tests.harness.inbox import last_code
from tests.harness.redis_server import RedisServer

DEMO = "+79000000001"


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.cleanup()


async def test_redis_stopped_and_restarted(
    start_gateway: GatewayFactory,
    own_redis: RedisServer,
    admins: dict[str, BackendAdmin],
    http: aiohttp.ClientSession,
    backends: BackendsThread,
) -> None:
    clock = FakeClock()
    async with start_gateway(
        clock, redis_url=own_redis.url, breaker_open_seconds=5, redis_timeout=0.2
    ) as gateway:
        token = gateway.subscriber_token(DEMO)
        assert (await gateway.query(REQUEST_CODE, {"m": DEMO})).errors == []
        code = await last_code(http, backends.sms_url, DEMO)
        assert (await gateway.query(BALANCE, token=token)).errors == []

        own_redis.stop()
        for _ in range(8):
            read = await gateway.query(BALANCE, token=token)
            assert read.errors == [], "reads go to billing while Redis is down"
            assert read.data["me"]["balance"]["money"]["amount"] == "412.50"
        # Security state fails closed: no try is let through uncounted.
        attempt = await gateway.query(LOG_IN, {"m": DEMO, "c": code})
        assert attempt.codes == ["TEMPORARILY_UNAVAILABLE"]
        assert attempt.data == {"logIn": None}
        assert (await gateway.query(REQUEST_CODE, {"m": DEMO})).codes == ["TEMPORARILY_UNAVAILABLE"]

        own_redis.start()
        clock.advance(5)  # the Redis breaker half-opens and probes
        await admins["billing"].reset()
        for _ in range(3):
            assert (await gateway.query(BALANCE, token=token)).errors == []
        assert await admins["billing"].count("/bucket") == 1, "the cache works again"
        # The code was kept? Redis kept nothing on disk: ask for a new one and log in.
        clock.advance(61)
        assert (await gateway.query(REQUEST_CODE, {"m": DEMO})).errors == []
        fresh_code = await last_code(http, backends.sms_url, DEMO)
        assert (await gateway.query(LOG_IN, {"m": DEMO, "c": fresh_code})).errors == []
