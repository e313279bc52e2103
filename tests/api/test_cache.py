"""Balances and quotas are cached behind the billing adapter: Redis, or in process."""

from __future__ import annotations

import pytest
import redis.asyncio

from tests.api.queries import BALANCE
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.clock import FakeClock

DEMO = "+79000000001"


@pytest.mark.parametrize("use_redis", [True, False], ids=["redis", "in-process"])
async def test_a_second_read_within_the_ttl_makes_no_billing_call(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin], use_redis: bool
) -> None:
    clock = FakeClock()
    # Whole answers off: this is about the balance cache below them.
    async with start_gateway(clock, use_redis=use_redis, balance_ttl=30, answer_ttl=0) as gateway:
        token = gateway.subscriber_token(DEMO)
        await admins["billing"].reset()

        first = await gateway.query(BALANCE, token=token)
        second = await gateway.query(BALANCE, token=token)
        assert first.data == second.data
        assert first.data["me"]["balance"]["money"] == {"amount": "412.50", "currency": "RUB"}
        assert await admins["billing"].count("/bucket") == 1

        clock.advance(31)
        await gateway.query(BALANCE, token=token)
        assert await admins["billing"].count("/bucket") == 2


async def test_redis_keys_are_namespaced_and_versioned(
    start_gateway: GatewayFactory, redis_url: str, namespace: str
) -> None:
    async with start_gateway() as gateway:
        await gateway.query(BALANCE, token=gateway.subscriber_token(DEMO))
    client = redis.asyncio.Redis.from_url(redis_url)
    keys = [k.decode() async for k in client.scan_iter(match=f"{namespace}:*")]
    await client.aclose()
    assert f"{namespace}:balance:v2:{DEMO}" in keys
    assert all(k.startswith(f"{namespace}:") for k in keys)
