"""Per-number reads besides the balance (products, customer, links, activated offers,
charges) are cached behind their adapters, and dropped by changes and hub events."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.queries import HOME_SCREEN
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.clock import FakeClock
from tests.harness.gateway import GatewayClient
from tests.harness.live import post_event

NUMBER = "+79000000002"
PRODUCTS = "/productInventory/v4/product"
ACTIVATIONS = "/loyaltyProgramProduct"
CHARGES = "/appliedCustomerBillingRate"
EXPENSES = """query($from: Date, $to: Date) { me { expenses(from: $from, to: $to) {
  category amount { amount } } } }"""


async def _calls(admins: dict[str, BackendAdmin]) -> int:
    return sum([sum((await a.counts()).values()) for a in admins.values()])


async def _reset(admins: dict[str, BackendAdmin]) -> None:
    for admin in admins.values():
        await admin.reset()


@pytest.mark.parametrize("use_redis", [True, False], ids=["redis", "in-process"])
async def test_a_warm_home_screen_makes_no_backend_call(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin], use_redis: bool
) -> None:
    async with start_gateway(use_redis=use_redis) as gateway:
        token = gateway.subscriber_token(NUMBER)
        first = await gateway.query(HOME_SCREEN, token=token)
        await _reset(admins)
        second = await gateway.query(HOME_SCREEN, token=token)
        assert second.errors == []
        assert second.data == first.data
        assert await _calls(admins) == 0


@pytest.mark.parametrize("use_redis", [True, False], ids=["redis", "in-process"])
async def test_entries_expire_after_the_read_ttl(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin], use_redis: bool
) -> None:
    clock = FakeClock()
    # The moment an entry was written is in the entry: the fake clock drives the expiry
    # over Redis too (Redis's own expiry, in real time, only cleans up). Not refreshed
    # early here (tests/api/test_early_refresh.py is about that).
    async with start_gateway(
        clock, use_redis=use_redis, read_ttl=60, balance_ttl=600, answer_ttl=0, refresh_ahead=0
    ) as gateway:
        token = gateway.subscriber_token(NUMBER)
        await gateway.query(HOME_SCREEN, token=token)
        await _reset(admins)
        clock.advance(59)
        await gateway.query(HOME_SCREEN, token=token)
        assert await _calls(admins) == 0
        clock.advance(2)
        await gateway.query(HOME_SCREEN, token=token)
        assert await admins["provisioning"].count(PRODUCTS) == 1
        assert await admins["loyalty"].count(ACTIVATIONS) == 1
        assert await admins["billing"].count("/bucket") == 0, "the balance has its own TTL"


async def test_hub_events_drop_what_they_announce(
    gateway: GatewayClient, admins: dict[str, BackendAdmin]
) -> None:
    token = gateway.subscriber_token(NUMBER)
    await gateway.query(HOME_SCREEN, token=token)
    party = [{"id": NUMBER, "role": "customer"}]

    # An order still in progress changes nothing yet; a completed one does.
    await post_event(
        gateway,
        "provisioning",
        "ProductOrderStateChangeEvent",
        {"productOrder": {"id": "o-1", "state": "inProgress", "relatedParty": party}},
    )
    await _reset(admins)
    await gateway.query(HOME_SCREEN, token=token)
    assert await _calls(admins) == 0
    await post_event(
        gateway,
        "provisioning",
        "ProductOrderStateChangeEvent",
        {"productOrder": {"id": "o-1", "state": "completed", "relatedParty": party}},
    )
    await gateway.query(HOME_SCREEN, token=token)
    assert await admins["provisioning"].count(PRODUCTS) == 1
    assert await admins["billing"].count(CHARGES) == 1
    assert await admins["loyalty"].count(ACTIVATIONS) == 0

    await _reset(admins)
    await post_event(
        gateway,
        "loyalty",
        "LoyaltyProgramProductCreateEvent",
        {"loyaltyProgramProduct": {"id": "a-1", "relatedParty": party}},
    )
    await gateway.query(HOME_SCREEN, token=token)
    assert await admins["loyalty"].count(ACTIVATIONS) == 1
    assert await admins["provisioning"].count(PRODUCTS) == 0

    await _reset(admins)
    await post_event(
        gateway,
        "billing",
        "BalanceChangeEvent",
        {"balanceChange": {"logicalResource": [{"id": NUMBER}]}},
    )
    await gateway.query(HOME_SCREEN, token=token)
    assert await admins["billing"].count(CHARGES) == 1
    assert await admins["billing"].count("/bucket") == 1
    assert await _calls(admins) == 2


async def test_only_periods_that_cannot_change_unannounced_are_cached(
    gateway: GatewayClient, admins: dict[str, BackendAdmin]
) -> None:
    token = gateway.subscriber_token(NUMBER)
    today = gateway.runtime.clock.now().date()
    first = today.replace(day=1)
    month_start = first.isoformat()
    last_month_end = first - timedelta(days=1)
    past = {"from": last_month_end.replace(day=1).isoformat(), "to": last_month_end.isoformat()}
    # Reaches today without being "this month so far": a charge may land in it any time.
    open_ended = {"from": past["from"], "to": today.isoformat()}
    for variables in (None, {"from": month_start, "to": today.isoformat()}, past, open_ended):
        for _ in range(2):
            answer = await gateway.query(EXPENSES, variables, token=token)
            assert answer.errors == []
    # this month twice (default and spelled out: one entry) + the past once + open twice
    assert await admins["billing"].count(CHARGES) == 1 + 1 + 2


async def test_a_revoked_link_stops_access_at_once(
    gateway: GatewayClient, admins: dict[str, BackendAdmin]
) -> None:
    owner, linked = "+79000000003", "+79000000004"
    token = gateway.subscriber_token(owner)
    read = 'query { subscriber(msisdn: "' + linked + '") { msisdn } }'
    await gateway.runtime.ports.provisioning.create_link(owner, linked, None)
    assert (await gateway.query(read, token=token)).errors == []
    assert (await gateway.query(read, token=token)).errors == [], "served from the cache"
    unlinked = await gateway.query(
        'mutation { unlinkNumber(msisdn: "' + linked + '") }', token=token
    )
    assert unlinked.data == {"unlinkNumber": True}, unlinked.errors
    refused = await gateway.query(read, token=token)
    assert [e["extensions"]["code"] for e in refused.errors] == ["FORBIDDEN"]
