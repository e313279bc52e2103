"""A top-up is charged and credited exactly once, or not at all, whatever breaks: the
gateway stopped at every step boundary and restarted, billing's answer lost, billing or
payments refusing; both billing dialects (TMF v4 and SigScale OCS), over real HTTP.

After every case: taken at payments (captured minus refunded) equals credited at
billing, exactly, and the client's retry with the same key gets the final outcome.
"""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import pytest

from resolvers.money.saga_record import Step, TopUpSaga
from resolvers.money.top_up_saga import TopUpSagas
from tests.conftest import SettingsFactory
from tests.harness.gateway import Answer, GatewayClient
from tests.money.conftest import MoneyBackends, gateway_on

TOP_UP = """mutation($m: Msisdn!, $a: Decimal!, $p: PaymentMethodInput!, $k: String) {
  topUp(msisdn: $m, amount: $a, paymentMethod: $p, idempotencyKey: $k) {
    topUpId amount { amount } userErrors { field code message }
  } }"""
BOUND = 15.0  # seconds any settling may take before the test fails


class SimulatedCrashError(Exception):
    """The process dies at a step boundary: the step has acted, its record is not written
    and nothing after it runs; the next process finds the log one step behind."""


def crash_at(boundary: str) -> Any:
    async def checkpoint(reached: str) -> None:
        if reached == boundary:
            raise SimulatedCrashError(boundary)

    return checkpoint


async def top_up(gateway: GatewayClient, msisdn: str, amount: str, key: str) -> Answer:
    # Bounded: a top-up that hangs is a failure to see, not a test run that never ends.
    return await asyncio.wait_for(
        gateway.query(
            TOP_UP,
            {"m": msisdn, "a": amount, "p": {"cardToken": "tok_visa"}, "k": key},
            token=gateway.subscriber_token(msisdn),
        ),
        BOUND,
    )


async def finished(sagas: TopUpSagas, saga_id: str) -> TopUpSaga:
    """The saga once it has finished, polled with a bound."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BOUND
    while True:
        raw = await sagas.log.load(saga_id)
        if raw is not None and TopUpSaga.decode(raw).finished:
            return TopUpSaga.decode(raw)
        assert loop.time() < deadline, f"saga {saga_id} still open after {BOUND}s"
        await asyncio.sleep(0.05)


async def only_open_saga(sagas: TopUpSagas) -> str:
    ids = await sagas.log.open_ids(10)
    assert len(ids) == 1, ids
    return ids[0]


async def assert_books_agree(money: MoneyBackends, msisdn: str, amount: Decimal) -> None:
    books = money.books
    assert await books.taken(msisdn) == await books.credited(msisdn) == amount
    assert await books.held(msisdn) == 0


def key() -> str:
    return f"money-{uuid.uuid4().hex}"


@pytest.mark.parametrize("boundary", ["authorized", "credited", "captured"])
async def test_a_crash_at_a_step_boundary_is_finished_by_the_next_process(
    make_settings: SettingsFactory, money: MoneyBackends, boundary: str
) -> None:
    msisdn, the_key = "+79000000011", key()
    async with gateway_on(make_settings, money) as first:
        # Its own recovery must not finish it: this process is about to "die".
        assert first.runtime.recovery is not None
        await first.runtime.recovery.stop()
        first.runtime.ports.top_ups.checkpoint = crash_at(boundary)  # type: ignore[union-attr]
        crashed = await top_up(first, msisdn, "150", the_key)
        assert crashed.errors, crashed.body
        saga_id = await only_open_saga(first.runtime.ports.top_ups)  # type: ignore[arg-type]

    async with gateway_on(make_settings, money) as restarted:
        sagas = restarted.runtime.ports.top_ups
        assert sagas is not None
        saga = await finished(sagas, saga_id)
        assert saga.step is Step.DONE
        retried = await top_up(restarted, msisdn, "150", the_key)
        assert retried.errors == []
        assert retried.data["topUp"]["userErrors"] == []
        assert retried.data["topUp"]["topUpId"] == saga.credit_id
    await assert_books_agree(money, msisdn, Decimal(150))
    assert await money.books.credits(msisdn) == 1


async def test_billings_answer_lost_is_settled_by_reading_not_by_crediting_again(
    make_settings: SettingsFactory, money: MoneyBackends
) -> None:
    msisdn, the_key = "+79000000012", key()
    async with gateway_on(make_settings, money) as gateway:
        await money.billing_faults(lose_answer=True)
        try:
            first = await top_up(gateway, msisdn, "33", the_key)
        finally:
            await money.billing_faults(lose_answer=False)
        retried = await top_up(gateway, msisdn, "33", the_key)
        assert retried.data["topUp"]["userErrors"] == [], (first.body, retried.body)
        topup_id = retried.data["topUp"]["topUpId"]
        assert topup_id
        again = await top_up(gateway, msisdn, "33", the_key)
        assert again.data["topUp"]["topUpId"] == topup_id
    await assert_books_agree(money, msisdn, Decimal(33))
    assert await money.books.credits(msisdn) == 1


async def test_billing_refusing_the_credit_releases_the_money(
    make_settings: SettingsFactory, money: MoneyBackends
) -> None:
    msisdn, the_key = "+79000000013", key()
    credit_path = "balanceTopup" if money.dialect == "sigscale-ocs" else "topupBalance"
    async with gateway_on(make_settings, money) as gateway:
        await money.billing_faults(refuse_path=credit_path)
        try:
            answer = await top_up(gateway, msisdn, "200", the_key)
        finally:
            await money.billing_faults(refuse_path="")
        errors = answer.data["topUp"]["userErrors"]
        assert [e["code"] for e in errors] == ["TOP_UP_NOT_CREDITED"], answer.body
        assert "not taken" in errors[0]["message"]
        assert answer.data["topUp"]["topUpId"] is None
        # The retry gets the same outcome, and changes nothing.
        retried = await top_up(gateway, msisdn, "200", the_key)
        assert retried.data["topUp"]["userErrors"] == errors
    await assert_books_agree(money, msisdn, Decimal(0))
    assert [p["status"] for p in await money.books.payments(msisdn)] == ["voided"]


async def test_payments_refusing_the_capture_takes_the_credit_back(
    make_settings: SettingsFactory, money: MoneyBackends
) -> None:
    msisdn, the_key = "+79000000014", key()
    async with gateway_on(make_settings, money) as gateway:
        await money.payment_faults(capture="refuse")
        try:
            answer = await top_up(gateway, msisdn, "75.50", the_key)
        finally:
            await money.payment_faults(capture="")
        errors = answer.data["topUp"]["userErrors"]
        assert [e["code"] for e in errors] == ["TOP_UP_NOT_CREDITED"], answer.body
        retried = await top_up(gateway, msisdn, "75.50", the_key)
        assert retried.data["topUp"]["userErrors"] == errors
    await assert_books_agree(money, msisdn, Decimal(0))
    assert await money.books.credits(msisdn) == 0


async def test_a_lost_capture_answer_is_read_back(
    make_settings: SettingsFactory, money: MoneyBackends
) -> None:
    msisdn, the_key = "+79000000015", key()
    async with gateway_on(make_settings, money) as gateway:
        await money.payment_faults(capture="lose", authorize="lose")
        try:
            first = await top_up(gateway, msisdn, "50", the_key)
        finally:
            await money.payment_faults(capture="", authorize="")
        retried = await top_up(gateway, msisdn, "50", the_key)
        assert retried.data["topUp"]["userErrors"] == [], (first.body, retried.body)
    await assert_books_agree(money, msisdn, Decimal(50))


async def test_payments_down_during_the_capture_is_finished_by_recovery(
    make_settings: SettingsFactory, money: MoneyBackends
) -> None:
    msisdn, the_key = "+79000000016", key()
    async with gateway_on(make_settings, money) as gateway:
        await money.payment_faults(capture="error")
        first = await top_up(gateway, msisdn, "120", the_key)
        assert first.errors, first.body  # the outcome is not known yet: no answer to keep
        sagas = gateway.runtime.ports.top_ups
        assert sagas is not None
        saga_id = await only_open_saga(sagas)
        await money.payment_faults(capture="")
        assert (await finished(sagas, saga_id)).step is Step.DONE
        retried = await top_up(gateway, msisdn, "120", the_key)
        assert retried.data["topUp"]["userErrors"] == []
    await assert_books_agree(money, msisdn, Decimal(120))


async def test_a_number_billing_does_not_know_never_touches_the_card(
    make_settings: SettingsFactory, money: MoneyBackends
) -> None:
    msisdn = "+79000009999"  # beyond the world's 60 numbers
    async with money.http.delete(f"{money.payments_url}/admin/requests") as reset:
        reset.raise_for_status()
    async with gateway_on(make_settings, money) as gateway:
        answer = await top_up(gateway, msisdn, "100", key())
    errors = answer.data["topUp"]["userErrors"]
    assert [e["code"] for e in errors] == ["NOT_FOUND"], answer.body
    assert "nothing was charged" in errors[0]["message"]
    async with money.http.get(f"{money.payments_url}/admin/requests") as counts:
        posted = [route for route, n in (await counts.json()).items() if "POST" in route and n]
    assert not [route for route in posted if "payment" in route], posted
