"""Chaos over HTTP: each backend down in turn, a hanging backend, a flapping one, billing
down with a cached balance. The rest of the answer stays intact every time."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.api.queries import BALANCE, HOME_SCREEN
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.clock import FakeClock
from tests.harness.gateway import GatewayClient

DEMO = "+79000000001"

# Which fields of the home screen each backend feeds.
FED_BY = {
    "billing": {"balance", "expenses"},
    "provisioning": {"name", "region", "tariff", "services", "linkedNumbers"},
    "loyalty": {"offers"},
}


def _failed_paths(errors: list[dict[str, Any]]) -> set[tuple[str, ...]]:
    return {tuple(str(p) for p in e["path"]) for e in errors}


@pytest.mark.parametrize("backend", sorted(FED_BY))
async def test_one_backend_down_nulls_only_its_fields(
    gateway: GatewayClient, admins: dict[str, BackendAdmin], backend: str
) -> None:
    token = gateway.subscriber_token(DEMO)
    await admins[backend].faults(down=True)
    answer = await gateway.query(HOME_SCREEN, token=token)

    assert answer.status == 200
    me = answer.data["me"]
    for field, value in me.items():
        if field in FED_BY[backend]:
            assert value is None, field
        elif field != "balance" or backend != "provisioning":
            assert value is not None, field
    for error in answer.errors:
        assert error["extensions"]["code"] == "BACKEND_UNAVAILABLE"
        assert error["extensions"]["backend"] == backend
        assert "http" not in error["message"], "no backend URL reaches the client"
    expected: set[tuple[str, ...]] = {("me", f) for f in FED_BY[backend]}
    if backend == "provisioning":
        # The balance's next charge is the tariff's fee: the one nested path it feeds.
        expected.add(("me", "balance", "nextChargeAmount"))
    assert _failed_paths(answer.errors) == expected


async def test_a_hanging_backend_answers_by_the_deadline(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    async with start_gateway(request_deadline=1.0, billing_timeout=3.0) as gateway:
        await admins["billing"].faults(hang=True)
        started = time.perf_counter()
        answer = await gateway.query(HOME_SCREEN, token=gateway.subscriber_token(DEMO))
        elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"took {elapsed:.2f} s with a 1 s deadline"
    assert {e["extensions"]["code"] for e in answer.errors} == {"BACKEND_TIMEOUT"}
    assert _failed_paths(answer.errors) == {("me", "balance"), ("me", "expenses")}
    assert answer.data["me"]["tariff"] is not None


async def test_a_flapping_backend_opens_and_closes_the_breaker(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    clock = FakeClock()
    billing = admins["billing"]
    async with start_gateway(
        clock, breaker_failures=3, breaker_open_seconds=10, balance_ttl=0.001
    ) as gateway:
        token = gateway.subscriber_token(DEMO)
        await billing.faults(error_rate=1.0)
        for _ in range(3):
            failed = await gateway.query(BALANCE, token=token)
            assert failed.codes == ["BACKEND_ERROR"]
        health = await _health(gateway)
        assert health["breakers"]["billing"] == "open"

        await billing.reset()
        fast = await gateway.query(BALANCE, token=token)
        assert fast.codes == ["BACKEND_UNAVAILABLE"]
        assert await billing.count("/bucket") == 0, "an open breaker does not call"

        await billing.clear_faults()
        clock.advance(10)
        assert (await _health(gateway))["breakers"]["billing"] == "half_open"
        recovered = await gateway.query(BALANCE, token=token)
        assert recovered.errors == []
        assert (await _health(gateway))["breakers"]["billing"] == "closed"


async def _health(gateway: GatewayClient) -> dict[str, Any]:
    async with gateway.session.get(f"{gateway.url}/healthz") as response:
        body: dict[str, Any] = await response.json()
        return body


@pytest.mark.parametrize("use_redis", [True, False], ids=["redis", "in-process"])
async def test_billing_down_serves_the_last_known_balance_as_stale(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin], use_redis: bool
) -> None:
    clock = FakeClock()
    async with start_gateway(clock, use_redis=use_redis, balance_ttl=30, answer_ttl=0) as gateway:
        token = gateway.subscriber_token(DEMO)
        fresh = (await gateway.query(BALANCE, token=token)).data["me"]["balance"]
        assert fresh["stale"] is False

        clock.advance(120)
        await admins["billing"].faults(down=True)
        answer = await gateway.query(BALANCE, token=token)
    assert answer.errors == []
    stale = answer.data["me"]["balance"]
    assert stale["stale"] is True
    assert stale["updatedAt"] == fresh["updatedAt"]
    assert stale["money"] == fresh["money"]


async def test_concurrent_reads_of_an_uncached_balance_share_one_call(
    gateway: GatewayClient, admins: dict[str, BackendAdmin]
) -> None:
    token = gateway.subscriber_token(DEMO)
    await admins["billing"].faults(latency_ms=100)
    answers = await asyncio.gather(*(gateway.query(BALANCE, token=token) for _ in range(10)))
    assert all(a.errors == [] for a in answers)
    assert await admins["billing"].count("/bucket") == 1
