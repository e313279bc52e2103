"""Resolvers called directly over the fake ports (tests/resolvers/fakes.py): what an
action's payload and the next request read after a change, and what a hub event drops.

The payload of a mutation reads through the same request's loaders the action used to
check its input: these tests fail when a change does not reach them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.cache.number_reads import EVERYTHING, NumberRead
from domain.billing import BalanceRecord
from domain.principals import SubscriberPrincipal
from domain.quotas import QuotaKind
from domain.reach import Reach
from resolvers.access import reach
from resolvers.actions.orders import add_package
from resolvers.actions.sharing import share_data
from resolvers.balances import balance
from resolvers.errors import ForbiddenError
from resolvers.linking import unlink_number
from tests.harness.clock import FakeClock
from tests.resolvers.fakes import Operator, build_context, build_ports

SENDER, RECEIVER, OTHER = "+79000000101", "+79000000102", "+79000000103"


@pytest.fixture
def operator() -> Operator:
    found = Operator(FakeClock())
    found.add_subscriber(SENDER, Decimal(1000), data_gb=5.0)
    found.add_subscriber(RECEIVER, Decimal(100), data_gb=1.0)
    found.add_subscriber(OTHER, Decimal(100), data_gb=1.0)
    return found


def _data(record: BalanceRecord | None) -> float:
    assert record is not None
    return sum(q.remaining for q in record.quotas if q.kind is QuotaKind.DATA)


async def test_the_share_data_payload_reads_the_balance_after_the_transfer(
    operator: Operator,
) -> None:
    ports = build_ports(operator)
    ctx = build_context(ports, operator.clock, SENDER)
    result = await share_data(ctx, SENDER, RECEIVER, 2, "share-key-1")
    assert result.user_errors == ()
    # What schema/actions.py resolves `subscriber { balance }` of the payload with.
    after = await balance(ctx, Reach(SENDER, SubscriberPrincipal(SENDER)))
    assert _data(after) == pytest.approx(3.0)
    # And a later request of the receiver, through the caches.
    later = build_context(ports, operator.clock, RECEIVER, "share-key-2")
    assert _data(await balance(later, Reach(RECEIVER, SubscriberPrincipal(RECEIVER)))) == (
        pytest.approx(3.0)
    )


async def test_the_add_package_payload_shows_the_new_quota_and_the_money_taken(
    operator: Operator,
) -> None:
    ports = build_ports(operator)
    ctx = build_context(ports, operator.clock, SENDER)
    result = await add_package(ctx, SENDER, "PKG-5GB", "package-key-1")
    assert result.user_errors == ()
    after = await balance(ctx, Reach(SENDER, SubscriberPrincipal(SENDER)))
    assert after is not None
    assert after.money.amount == Decimal(800)
    assert _data(after) == pytest.approx(10.0)
    products = await ctx.loaders.products_by_msisdn.load(SENDER)
    assert "PKG-5GB" in {p.offering_id for p in products}


async def test_an_unlinked_number_is_out_of_reach_in_the_same_request(
    operator: Operator,
) -> None:
    ports = build_ports(operator)
    await ports.provisioning.create_link(SENDER, OTHER, None)
    ctx = build_context(ports, operator.clock, SENDER)
    assert (await reach(ctx, OTHER)).msisdn == OTHER
    assert await unlink_number(ctx, OTHER) is True
    with pytest.raises(ForbiddenError):
        await reach(ctx, OTHER)


async def test_one_forget_drops_every_kept_read_of_a_number(operator: Operator) -> None:
    """What a hub event does: a change made elsewhere reaches the next read."""
    ports = build_ports(operator)
    first = build_context(ports, operator.clock, SENDER)
    await balance(first, Reach(SENDER, SubscriberPrincipal(SENDER)))
    await first.loaders.products_by_msisdn.load(SENDER)
    operator.reads.clear()

    kept = build_context(ports, operator.clock, SENDER)
    await balance(kept, Reach(SENDER, SubscriberPrincipal(SENDER)))
    await kept.loaders.products_by_msisdn.load(SENDER)
    assert operator.reads == [], "served from the cache"

    operator.move_data(SENDER, -1)  # billing changed without the gateway
    await ports.reads.forget([SENDER], EVERYTHING)
    fresh = build_context(ports, operator.clock, SENDER)
    assert _data(await balance(fresh, Reach(SENDER, SubscriberPrincipal(SENDER)))) == (
        pytest.approx(4.0)
    )
    await fresh.loaders.products_by_msisdn.load(SENDER)
    assert sorted(operator.reads) == ["balances", "products"]


async def test_forget_moves_the_answer_epoch_once(operator: Operator) -> None:
    ports = build_ports(operator)
    answers = ports.answers
    assert answers is not None
    epoch = (await answers.lookup(SENDER, "digest")).epoch
    await answers.store(SENDER, "digest", epoch, b"{}")
    assert (await answers.lookup(SENDER, "digest"))[0] == b"{}"
    await ports.reads.forget([SENDER], [NumberRead.PENDING])
    assert (await answers.lookup(SENDER, "digest"))[0] is None
