"""The generated world: deterministic, varied, and the well-known numbers as documented."""

from __future__ import annotations

import time
from datetime import date, timedelta
from decimal import Decimal

from backends.catalog import SERVICES_BY_ID, TARIFFS, Characteristic
from backends.charges import ChargeHistory, ChargeType, history_start
from backends.dataset import (
    DEMO_MSISDN,
    NEGATIVE_BALANCE_MSISDN,
    PAY_AS_YOU_GO_MSISDN,
    UNLIMITED_DATA_MSISDN,
    UNLINKED_MSISDN,
    ZERO_BALANCE_MSISDN,
    Subscriber,
    World,
    build_world,
    index_of,
    msisdn_of,
)
from backends.kit.timestamps import midnight

TODAY = date(2026, 11, 25)


def small_world(seed: int = 42) -> World:
    return build_world(200, seed, today=TODAY)


def test_numbers_run_upward_from_79000000000() -> None:
    world = small_world()
    assert [s.msisdn for s in world.subscribers[:3]] == [
        "+79000000000",
        "+79000000001",
        "+79000000002",
    ]
    assert msisdn_of(199) == "+79000000199"
    assert index_of("+79000000199") == 199
    assert world.subscriber("+79000000200") is None
    assert world.subscriber("79000000001") is None


def test_same_seed_same_world_and_another_seed_another() -> None:
    assert small_world() == small_world()
    assert small_world(seed=7).subscribers != small_world().subscribers


def test_every_tariff_is_used_and_balances_vary() -> None:
    world = small_world()
    assert {s.tariff_id for s in world.subscribers} == {t.id for t in TARIFFS}
    balances = [s.balance for s in world.subscribers]
    assert sum(b == 0 for b in balances) >= 2
    assert sum(b < 0 for b in balances) >= 2
    assert max(balances) > Decimal(1500)


def test_quotas_are_consistent_with_tariffs() -> None:
    world = small_world()
    today = midnight(TODAY)
    unlimited = 0
    for subscriber in world.subscribers:
        assert subscriber.period_end > today
        tariff = subscriber.tariff
        assert len(subscriber.quotas) == len(tariff.allowances)
        for quota in subscriber.quotas:
            if quota.unlimited:
                unlimited += 1
                assert quota.initial == quota.remaining == 0
            else:
                assert 0 <= quota.remaining <= quota.initial
        for grant in subscriber.packages:
            assert grant.end > today
        for connected in subscriber.services:
            assert SERVICES_BY_ID[connected.service_id].available_on(tariff.id)
        if not tariff.allowances:
            assert not subscriber.quotas
            assert not subscriber.packages
    assert unlimited > 0
    assert any(s.packages for s in world.subscribers)


def test_links_and_loyalty_occur() -> None:
    world = small_world()
    managers = {link.manager for link in world.links}
    assert len(world.links) >= 5
    assert len(managers) >= 3
    assert all(link.manager != link.linked for link in world.links)
    assert len(world.memberships) >= 20
    members = {m.msisdn for m in world.memberships}
    assert all(a.msisdn in members for a in world.activations)
    assert len({a.promotion_id for a in world.activations}) >= 5


def test_the_well_known_numbers() -> None:
    world = small_world()

    def at(msisdn: str) -> Subscriber:
        subscriber = world.subscriber(msisdn)
        assert subscriber is not None
        return subscriber

    demo = at(DEMO_MSISDN)
    assert demo.tariff_id == "T-CONSTRUCTOR"
    assert dict(demo.tariff_values) == {Characteristic.MINUTES: 400, Characteristic.GIGABYTES: 20}
    assert len(demo.services) == 3
    assert demo.balance == Decimal("412.50")
    assert demo.password == "demo-password"
    assert {(link.linked, link.alias) for link in world.links if link.manager == DEMO_MSISDN} == {
        ("+79000000005", "Мама"),
        ("+79000000006", "Дочь"),
    }
    assert [a.promo_code for a in world.activations if a.msisdn == DEMO_MSISDN] == ["TAXI-7Q4F"]
    assert at(ZERO_BALANCE_MSISDN).balance == 0
    assert at(NEGATIVE_BALANCE_MSISDN).balance == Decimal("-150.00")
    unlimited = at(UNLIMITED_DATA_MSISDN)
    assert unlimited.tariff_id == "T-UNLIM"
    assert any(
        q.characteristic is Characteristic.GIGABYTES and q.unlimited for q in unlimited.quotas
    )
    pay_as_you_go = at(PAY_AS_YOU_GO_MSISDN)
    assert pay_as_you_go.tariff_id == "T-CLASSIC"
    assert not pay_as_you_go.quotas
    assert not pay_as_you_go.packages
    assert all(UNLINKED_MSISDN not in (link.manager, link.linked) for link in world.links)
    assert all(m.msisdn != UNLINKED_MSISDN for m in world.memberships)
    assert at("+79000000042").password == "pass-0042"


def test_the_default_world_builds_quickly() -> None:
    started = time.perf_counter()
    world = build_world()
    elapsed = time.perf_counter() - started
    assert world.size == 10_000
    assert elapsed < 2.0


def test_charges_are_derived_deterministically_within_the_history() -> None:
    world = small_world()
    history = ChargeHistory(world, capacity=3)
    demo = world.subscriber(DEMO_MSISDN)
    assert demo is not None
    charges = history.between(demo, None, None)
    assert charges == ChargeHistory(small_world()).between(demo, None, None)
    assert charges == history.between(demo, None, None)  # through the (small) cache
    assert charges == sorted(charges, key=lambda c: c.date)
    assert all(history_start(TODAY) <= c.date < midnight(TODAY) for c in charges)
    fees = [c for c in charges if c.type is ChargeType.SUBSCRIPTION]
    assert len(fees) >= 6
    assert all(c.amount == demo.monthly_fee == Decimal(600) for c in fees)
    assert history.charge(charges[5].id) == charges[5]
    assert history.charge("ACBR-79000000001-199901-1") is None
    assert history.charge("nonsense") is None
    week_ago = midnight(TODAY - timedelta(days=7))
    assert history.between(demo, week_ago, None) == [c for c in charges if c.date >= week_ago]
    assert ChargeHistory(small_world(seed=7)).between(demo, None, None) != charges


def test_pay_as_you_go_spends_on_usage() -> None:
    world = small_world()
    classic = world.subscriber(PAY_AS_YOU_GO_MSISDN)
    assert classic is not None
    kinds = {c.type for c in ChargeHistory(world).between(classic, None, None)}
    assert {ChargeType.VOICE, ChargeType.SMS, ChargeType.DATA} <= kinds
    assert ChargeType.SUBSCRIPTION not in kinds


def test_every_billing_period_holds_today_on_any_day() -> None:
    # Month ends and a leap day: a period counted back a month from its end once started
    # after today there, and the number's quotas vanished.
    for day in (
        date(2027, 1, 31),
        date(2027, 1, 30),
        date(2028, 2, 29),
        date(2027, 3, 31),
        date(2026, 12, 31),
        date(2027, 7, 1),
    ):
        world = build_world(200, today=day)
        today = midnight(day)
        for subscriber in world.subscribers:
            assert subscriber.period_start <= today < subscriber.period_end, (day, subscriber)
