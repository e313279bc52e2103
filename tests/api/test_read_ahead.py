"""A number's records are read ahead of its fields (resolvers/read_ahead.py): a failing
backend is still asked once per request, and its error still reaches the field."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pytest

from bench.queries import HOME_SCREEN as HOME
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.clock import FakeClock

NUMBER = "+79000000001"
QUERY = "query { me { name balance { money { amount } } } }"
SCREEN = """query { me { tariff { name } services { name }
  balance { nextChargeAmount { amount } } } }"""


async def test_a_failed_read_is_not_asked_again_by_its_field(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    # One try per read, nothing kept: each billing request below is one batch's.
    async with start_gateway(FakeClock(), retry_attempts=1, answer_ttl=0) as gateway:
        await admins["billing"].faults(error_rate=1.0)
        await admins["billing"].reset()
        try:
            result = await gateway.query(QUERY, token=gateway.subscriber_token(NUMBER))
        finally:
            await admins["billing"].clear_faults()
        billing_calls = await admins["billing"].count("/bucket")

    assert result.data == {"me": {"name": result.data["me"]["name"], "balance": None}}
    assert result.data["me"]["name"]
    [error] = result.errors
    assert error["path"] == ["me", "balance"]
    assert error["extensions"]["code"] == "BACKEND_ERROR"
    # Read ahead, failed, and the field's own load heard the same failure.
    assert billing_calls == 1


async def test_only_what_the_asked_fields_read_is_read_ahead(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    # The app's balance widget: no tariff, so no products (the next charge is not asked).
    async with start_gateway(FakeClock(), answer_ttl=0) as gateway:
        token = gateway.subscriber_token(NUMBER)
        for admin in admins.values():
            await admin.reset()
        widget = await gateway.query("query { me { balance { money { amount } } } }", token=token)
        after_widget = await admins["provisioning"].count("/product")
        screen = await gateway.query(SCREEN, token=token)
        after_screen = await admins["provisioning"].count("/product")

    assert widget.errors == []
    assert widget.data["me"]["balance"]["money"]["amount"]
    assert after_widget == 0
    assert screen.errors == []
    assert screen.data["me"]["balance"]["nextChargeAmount"]["amount"]
    # Three fields reading a number's products: one read, ahead of them.
    assert after_screen == 1


async def test_a_warm_screen_reads_the_cache_once(start_gateway: GatewayFactory) -> None:
    # The kept reads of every field asked, in one cache call (NumberReads.peek), not one
    # per loader: balance, charges, products, customer, links, pending links, offers.
    async with start_gateway(FakeClock(), answer_ttl=0) as gateway:
        token = gateway.subscriber_token(NUMBER)
        cache = gateway.runtime.stores.cache
        calls: list[int] = []
        read = cache.get_many

        async def counted(keys: Sequence[str]) -> list[bytes | None]:
            calls.append(len(keys))
            return await read(keys)

        cold = await gateway.query(HOME, token=token)
        cache.get_many = counted  # type: ignore[method-assign]
        warm = await gateway.query(HOME, token=token)

    assert cold.errors == []
    assert warm.errors == []
    assert warm.data == cold.data
    assert calls == [7]


async def test_damaged_cache_entries_are_read_again_not_failed(
    start_gateway: GatewayFactory,
) -> None:
    # Entries that do not decode (a deploy changed a layout, a damaged write): the read
    # ahead and the reads behind it take them as misses and ask the backends.
    async with start_gateway(FakeClock(), answer_ttl=0) as gateway:
        token = gateway.subscriber_token(NUMBER)
        namespace = gateway.runtime.settings.cache_namespace
        cold = await gateway.query(HOME, token=token)
        await gateway.runtime.stores.cache.set_many(
            {
                f"{namespace}:balance:v2:{NUMBER}": b"not a balance",
                f"{namespace}:products:r2:{NUMBER}": b"1.0\n{not json",
            },
            60,
        )
        damaged = await gateway.query(HOME, token=token)

    assert cold.errors == []
    assert damaged.errors == []
    assert damaged.data == cold.data


async def test_a_linked_numbers_screen_reads_ahead_in_its_own_cache_call(
    start_gateway: GatewayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    # A linked number's data is read ahead inside a field the plan steps inline, outside
    # the request's task: its cache call must still be made (by the coalescing's own
    # task; a Redis call's bound cannot start outside one), not fail there and fall back
    # to a read per field.
    linked = """query { me { linkedNumbers { msisdn subscriber {
      name balance { money { amount } } tariff { name } } } } }"""
    async with start_gateway(FakeClock(), answer_ttl=0) as gateway:
        token = gateway.subscriber_token(NUMBER)
        cold = await gateway.query(linked, token=token)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="adapters.cache.number_reads"):
            warm = await gateway.query(linked, token=token)

    assert cold.errors == []
    assert warm.errors == []
    assert warm.data == cold.data
    assert [s for s in warm.data["me"]["linkedNumbers"] if s["subscriber"]], "a linked number"
    assert [r.getMessage() for r in caplog.records] == []
