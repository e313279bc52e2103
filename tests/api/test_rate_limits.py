"""Rate limits per principal and per client address, shared through Redis across
processes, with Retry-After; each operation of a batch counts on its own."""

from __future__ import annotations

from typing import Any

from prometheus_client import REGISTRY
from redis.asyncio import Redis

from tests.conftest import GatewayFactory
from tests.harness.clock import FakeClock

DEMO = "+79000000001"
QUERY = "{ me { msisdn } }"


async def test_per_subscriber_across_two_processes(start_gateway: GatewayFactory) -> None:
    # A clock that stands still: the fixed one-minute window cannot roll over mid-test.
    clock = FakeClock()
    async with (
        start_gateway(clock, rate_per_subscriber=4) as first,
        start_gateway(clock, rate_per_subscriber=4) as second,
    ):
        token = first.subscriber_token(DEMO)
        for gateway in (first, second, first, second):
            assert (await gateway.query(QUERY, token=token)).errors == []
        refused = await second.query(QUERY, token=token)
        other = await first.query(QUERY, token=first.subscriber_token("+79000000002"))
    assert refused.status == 429
    assert refused.codes == ["RATE_LIMITED"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert other.errors == [], "another subscriber has its own allowance"


async def test_per_client_address(start_gateway: GatewayFactory) -> None:
    before = _refusals()
    async with start_gateway(FakeClock(), rate_per_client=3) as gateway:
        for _ in range(3):
            assert (await gateway.query("{ tariffs { id } }")).errors == []
        refused = await gateway.query("{ tariffs { id } }")
    assert refused.codes == ["RATE_LIMITED"]
    assert _refusals() == before + 1, "the refusal is counted in /metrics"


def _refusals() -> float:
    return REGISTRY.get_sample_value("tgw_refusals_total", {"code": "RATE_LIMITED"}) or 0.0


async def test_a_batch_counts_each_operation(start_gateway: GatewayFactory, redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    async with start_gateway(FakeClock(), rate_per_subscriber=3) as gateway:
        token = gateway.subscriber_token(DEMO)
        counted_before = await _incrby_calls(redis)
        answer = await gateway.post([{"query": QUERY}] * 5, token=token)
        counted = await _incrby_calls(redis) - counted_before
        again = await gateway.post([{"query": QUERY}] * 2, token=token)
    await redis.aclose()
    assert answer.status == 200
    # As if counted one by one: the first three are within the limit, the rest refused.
    assert _codes(answer.body) == [None, None, None, "RATE_LIMITED", "RATE_LIMITED"]
    assert _codes(again.body) == ["RATE_LIMITED", "RATE_LIMITED"]
    # ... but counted in one store hit per limit (the client's, the subscriber's).
    assert counted == 2


def _codes(items: list[dict[str, Any]]) -> list[str | None]:
    return [item.get("errors", [{}])[0].get("extensions", {}).get("code") for item in items]


async def _incrby_calls(redis: Redis) -> int:
    """INCRBY calls the server has run (the rate limits' script counts with it)."""
    stats = await redis.info("commandstats")
    return int(stats.get("cmdstat_incrby", {}).get("calls", 0))
