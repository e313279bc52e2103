"""The OCS adapter against the simulated OCS: the same balances as the v4 billing reports
for the same world (as far as OCS can say them), and top-ups that move the balance."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import aiohttp
import pytest

from adapters.billing.http import HttpBilling
from adapters.billing.ocs import OcsBilling, build_ocs_billing
from adapters.breaker import CircuitBreaker
from adapters.calls import CallGuard, RetryPolicy
from adapters.errors import (
    BackendNotFoundError,
    BackendResponseError,
    BackendUnavailableError,
    CircuitOpenError,
)
from backends.dataset import DEMO_MSISDN, World
from backends.kit.timestamps import midnight
from backends.ocs.auth import DEFAULT_PASSWORD, DEFAULT_USERNAME
from domain.billing import BalanceRecord
from domain.money import Money
from domain.quotas import QuotaKind
from tests.harness.clock import FakeClock

ZERO_BALANCE = "+79000000002"
UNKNOWN = "+79990000000"


def _comparable(record: BalanceRecord) -> tuple[object, ...]:
    """What both dialects can say: money, and per finite quota its kind, what remains and
    until when. OCS knows no allowance totals and has no unlimited buckets, and names no
    next charge (next_charge_at is None on OCS: test_the_demo_subscriber)."""
    quotas = tuple(
        (q.kind, q.remaining, q.unit, q.valid_until) for q in record.quotas if not q.unlimited
    )
    return (record.money, quotas)


async def test_the_demo_subscriber(ocs_billing: OcsBilling, world: World) -> None:
    demo = (await ocs_billing.balances([DEMO_MSISDN]))[DEMO_MSISDN]

    assert demo.money == Money(Decimal("412.50"), "RUB")
    # 250 of 400 minutes, 12.25 of 20 GB; SMS are unlimited: no bucket, no quota.
    assert [(q.kind, q.remaining, q.unit) for q in demo.quotas] == [
        (QuotaKind.DATA, 12.25, "GB"),
        (QuotaKind.VOICE, 250.0, "min"),
    ]
    assert all(q.total is None and not q.unlimited for q in demo.quotas)
    # The world's own day, not the wall clock's: a run may cross midnight.
    today = midnight(world.today)
    # The quotas end with the period, as on v4 ...
    assert [q.valid_until for q in demo.quotas] == [today + timedelta(days=12)] * 2
    # ... but OCS's product names no renewal, and a bucket's end is not taken for one.
    assert demo.next_charge_at is None


async def test_every_number_reads_as_the_v4_billing_reads_it(
    ocs_billing: OcsBilling, v4_billing: HttpBilling, world: World
) -> None:
    numbers = [*world.msisdns(), UNKNOWN]

    ocs = await ocs_billing.balances(numbers)
    v4 = await v4_billing.balances(numbers)

    assert set(ocs) == set(v4) == set(world.msisdns())
    assert {m: _comparable(r) for m, r in ocs.items()} == {m: _comparable(r) for m, r in v4.items()}
    # The world has what makes the comparison worth it.
    assert any(r.money.amount < 0 for r in ocs.values())
    assert any(q.unlimited for r in v4.values() for q in r.quotas)
    assert any(len([q for q in r.quotas if q.kind is QuotaKind.DATA]) > 1 for r in ocs.values())


async def test_a_top_up_moves_the_balance(ocs_billing: OcsBilling) -> None:
    before = (await ocs_billing.balances([ZERO_BALANCE]))[ZERO_BALANCE]
    assert before.money == Money(Decimal("0.00"), "RUB")

    first = await ocs_billing.top_up(ZERO_BALANCE, Money(Decimal("100.50"), "RUB"), "k1")
    again = await ocs_billing.top_up(ZERO_BALANCE, Money(Decimal("100.50"), "RUB"), "k1")
    second = await ocs_billing.top_up(ZERO_BALANCE, Money(Decimal("0.25"), "RUB"), "k2")

    assert first == again != second
    after = (await ocs_billing.balances([ZERO_BALANCE]))[ZERO_BALANCE]
    assert after.money == Money(Decimal("100.75"), "RUB")
    assert after.quotas == before.quotas


async def test_a_top_up_of_an_unknown_number_is_not_found(ocs_billing: OcsBilling) -> None:
    with pytest.raises(BackendNotFoundError) as caught:
        await ocs_billing.top_up(UNKNOWN, Money(Decimal(10), "RUB"), "k1")
    assert caught.value.status == 404


async def test_wrong_credentials_are_a_401(http: aiohttp.ClientSession, ocs_url: str) -> None:
    billing = build_ocs_billing(http, ocs_url, DEFAULT_USERNAME, "wrong", 5.0, 2, FakeClock())

    with pytest.raises(BackendResponseError) as caught:
        await billing.balances([DEMO_MSISDN])

    assert caught.value.status == 401


async def test_small_pages_are_followed_on_the_simulator(
    http: aiohttp.ClientSession, ocs_url: str, ocs_billing: OcsBilling
) -> None:
    paged = build_ocs_billing(
        http, ocs_url, DEFAULT_USERNAME, DEFAULT_PASSWORD, 5.0, 2, FakeClock(), page_size=1
    )
    async with http.delete(f"{ocs_url}/admin/requests"):
        pass

    small = await paged.balances([DEMO_MSISDN])

    async with http.get(f"{ocs_url}/admin/requests") as response:
        counts = await response.json()
    # Three buckets (money, voice, data), one a page.
    assert counts["GET /balanceManagement/v1/bucket"] == 3
    whole = await ocs_billing.balances([DEMO_MSISDN])
    assert _comparable(small[DEMO_MSISDN]) == _comparable(whole[DEMO_MSISDN])


async def test_an_injected_fault_is_an_html_500(
    http: aiohttp.ClientSession, ocs_url: str, ocs_billing: OcsBilling
) -> None:
    async with http.put(f"{ocs_url}/admin/faults", json={"error_rate": 1.0}) as response:
        assert response.status == 200

    with pytest.raises(BackendResponseError) as caught:
        await ocs_billing.balances([DEMO_MSISDN])

    assert caught.value.status == 500
    assert "Internal Server Error" in caught.value.detail


async def test_ocs_calls_go_through_the_breaker_and_retries(
    http: aiohttp.ClientSession, ocs_url: str
) -> None:
    clock = FakeClock()
    # A balance is at most two calls (buckets, product): three failures need a retry.
    breaker = CircuitBreaker("billing", clock, failure_threshold=3, open_seconds=30)
    guard = CallGuard("billing", breaker=breaker, retry=RetryPolicy(attempts=3, wait_initial=0))
    billing = build_ocs_billing(
        http, ocs_url, DEFAULT_USERNAME, DEFAULT_PASSWORD, 5.0, 2, clock, guard=guard
    )
    # Dropped connections may pass: each read is tried three times before it fails.
    async with http.put(f"{ocs_url}/admin/faults", json={"down": True}) as response:
        assert response.status == 200
    with pytest.raises(BackendUnavailableError):
        await billing.balances([DEMO_MSISDN])
    # The retries' failures opened the breaker: the next call never reaches OCS.
    async with http.put(f"{ocs_url}/admin/faults", json={"down": False}) as response:
        assert response.status == 200
    async with http.delete(f"{ocs_url}/admin/requests") as response:
        assert response.status in (200, 204)
    with pytest.raises(CircuitOpenError):
        await billing.balances([DEMO_MSISDN])
    async with http.get(f"{ocs_url}/admin/requests") as response:
        assert sum((await response.json()).values()) == 0
    clock.advance(31)
    assert DEMO_MSISDN in await billing.balances([DEMO_MSISDN])
