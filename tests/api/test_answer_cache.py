"""Whole answers of a subscriber's own screens are kept for a few seconds, and any change
to the number, made by any process, drops them."""

from __future__ import annotations

import logging

import pytest

from adapters.cache.answers import AnswerCache
from adapters.cache.memory import MemoryCache
from gateway.answers import may_keep
from gateway.cost import cost_table
from gateway.shape import ShapeReader
from schema.build import build_schema
from tests.actions.helpers import key
from tests.api.auth_queries import LINK, MY_LINKS
from tests.api.queries import BALANCE, HOME_SCREEN
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.clock import FakeClock
from tests.harness.gateway import GatewayClient

NUMBER = "+79000000005"
TOP_UP = """mutation($m: Msisdn!, $k: String) { topUp(msisdn: $m, amount: "100",
  paymentMethod: {cardToken: "tok_visa"}, idempotencyKey: $k) { userErrors { code } } }"""


def _shape_reader() -> ShapeReader:
    return ShapeReader(build_schema()._schema, cost_table(5), 10_000)


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        (HOME_SCREEN, True),
        ("{ me { linkedNumbers { msisdn alias status } offers { id activated } } }", True),
        ("{ me { __typename balance { __typename stale } } }", True),
        # A linked number's own data, orders, a chosen period, the catalogs at the root.
        ("{ me { linkedNumbers { subscriber { balance { stale } } } } }", False),
        ("{ me { orders { id state } } }", False),
        ('{ me { expenses(from: "2026-01-01") { category } } }', False),
        ("{ tariffs { id } }", False),
        ('{ subscriber(msisdn: "+79000000005") { balance { stale } } }', False),
        ('mutation { unlinkNumber(msisdn: "+79000000006") }', False),
    ],
)
def test_which_answers_may_be_kept(query: str, kept: bool) -> None:
    assert may_keep(_shape_reader().read(query, None, None)) is kept


async def test_an_answer_computed_across_a_change_is_never_served() -> None:
    answers = AnswerCache(MemoryCache(FakeClock()), "t", ttl=15)
    assert await answers.lookup(NUMBER, "k") == (None, b"", False)
    # A request looks up, misses and computes; meanwhile the number changes.
    epoch = (await answers.lookup(NUMBER, "k")).epoch
    await answers.forget([NUMBER])
    await answers.store(NUMBER, "k", epoch, b'{"data": "before the change"}')
    kept, newer, _ = await answers.lookup(NUMBER, "k")
    assert kept is None
    await answers.store(NUMBER, "k", newer, b'{"data": "after"}')
    assert (await answers.lookup(NUMBER, "k"))[0] == b'{"data": "after"}'


async def test_a_change_on_one_process_drops_the_answer_kept_by_another(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    async with start_gateway() as first, start_gateway() as second:
        token = first.subscriber_token(NUMBER)
        before = await first.query(HOME_SCREEN, token=token)
        await admins["billing"].reset()
        again = await first.query(HOME_SCREEN, token=token)
        assert again.data == before.data
        assert await admins["billing"].count("/bucket") == 0

        paid = await second.query(TOP_UP, {"m": NUMBER, "k": key()}, token=token)
        assert paid.data["topUp"]["userErrors"] == []
        after = await first.query(HOME_SCREEN, token=token)
    old = before.data["me"]["balance"]["money"]["amount"]
    new = after.data["me"]["balance"]["money"]["amount"]
    assert float(new) == float(old) + 100


async def test_asking_for_a_link_drops_the_owners_answer(gateway: GatewayClient) -> None:
    owner, target = "+79000000011", "+79000000012"
    token = gateway.subscriber_token(owner)
    assert (await gateway.query(MY_LINKS, token=token)).data["me"]["linkedNumbers"] == []
    assert (await gateway.query(LINK, {"m": target}, token=token)).errors == []
    links = (await gateway.query(MY_LINKS, token=token)).data["me"]["linkedNumbers"]
    assert links == [{"msisdn": target, "alias": None, "status": "PENDING"}]


async def test_agents_answers_are_not_kept(
    gateway: GatewayClient, caplog: pytest.LogCaptureFixture
) -> None:
    agent = gateway.agent_token()
    query = '{ subscriber(msisdn: "+79000000005") { balance { stale } } }'
    with caplog.at_level(logging.INFO, logger="telecom_gateway.access"):
        for _ in range(2):
            assert (await gateway.query(query, token=agent)).errors == []
        assert (await gateway.query(BALANCE, token=gateway.subscriber_token(NUMBER))).errors == []
        assert (await gateway.query(BALANCE, token=gateway.subscriber_token(NUMBER))).errors == []
    kept = [r.__dict__["answers_kept"] for r in caplog.records if r.name.endswith("access")]
    assert kept == [0, 0, 0, 1]


async def test_a_stale_balance_is_not_kept(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    clock = FakeClock()
    async with start_gateway(clock, use_redis=False, balance_ttl=30, answer_ttl=15) as gateway:
        token = gateway.subscriber_token(NUMBER)
        assert (await gateway.query(BALANCE, token=token)).data["me"]["balance"]["stale"] is False
        clock.advance(31)
        await admins["billing"].faults(down=True)
        stale = await gateway.query(BALANCE, token=token)
        assert stale.data["me"]["balance"]["stale"] is True
        await admins["billing"].clear_faults()
        fresh = await gateway.query(BALANCE, token=token)
    assert fresh.data["me"]["balance"]["stale"] is False
