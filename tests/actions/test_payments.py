"""Top-ups and autopay: the effect in the next query, once per key, declined cleanly."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import aiohttp
import pytest

from backends.runner import BackendsThread
from tests.actions.helpers import key, ledger, money, state
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient

TOP_UP = """mutation($m: Msisdn!, $a: Decimal!, $p: PaymentMethodInput!, $k: String) {
  topUp(msisdn: $m, amount: $a, paymentMethod: $p, idempotencyKey: $k) {
    topUpId amount { amount } userErrors { field code message }
    subscriber { balance { money { amount } } }
  } }"""


async def test_a_top_up_shows_in_the_balance(gateway: GatewayClient) -> None:
    number = "+79000000050"
    before = money(await state(gateway, number))
    answer = await gateway.query(
        TOP_UP,
        {"m": number, "a": "150.50", "p": {"cardToken": "tok_visa"}, "k": key()},
        token=gateway.subscriber_token(number),
    )
    payload = answer.data["topUp"]
    assert payload["userErrors"] == []
    assert payload["topUpId"]
    assert Decimal(payload["subscriber"]["balance"]["money"]["amount"]) == before + Decimal(
        "150.50"
    )
    assert money(await state(gateway, number)) == before + Decimal("150.50")


async def test_the_same_key_charges_once(
    gateway: GatewayClient,
    admins: dict[str, BackendAdmin],
    http: aiohttp.ClientSession,
    backends: BackendsThread,
) -> None:
    number = "+79000000054"
    token = gateway.subscriber_token(number)
    before = money(await state(gateway, number))
    variables = {"m": number, "a": "100", "p": {"applePayToken": "apple-tok-1"}, "k": key()}
    first = await gateway.query(TOP_UP, variables, token=token)
    second = await gateway.query(TOP_UP, variables, token=token)
    assert first.data["topUp"]["topUpId"] == second.data["topUp"]["topUpId"]
    assert money(await state(gateway, number)) == before + 100
    assert len(await ledger(http, backends.billing_url, number)) == 1

    other = await gateway.query(TOP_UP, {**variables, "a": "200"}, token=token)
    assert other.codes == ["IDEMPOTENCY_KEY_REUSED"]


async def test_two_processes_receiving_the_same_top_up_charge_once(
    start_gateway: GatewayFactory, http: aiohttp.ClientSession, backends: BackendsThread
) -> None:
    number = "+79000000059"
    async with start_gateway() as first, start_gateway() as second:
        token = first.subscriber_token(number)
        variables = {"m": number, "a": "300", "p": {"googlePayToken": "g-tok"}, "k": key()}
        answers = await asyncio.gather(
            *(gw.query(TOP_UP, variables, token=token) for gw in (first, second, first, second))
        )
    ids = {a.data["topUp"]["topUpId"] for a in answers}
    assert len(ids) == 1
    entries = [
        e for e in await ledger(http, backends.billing_url, number) if e["amount"]["amount"] == 300
    ]
    assert len(entries) == 1


async def test_a_declined_payment_changes_nothing(
    gateway: GatewayClient, http: aiohttp.ClientSession, backends: BackendsThread
) -> None:
    number = "+79000000056"
    before = money(await state(gateway, number))
    answer = await gateway.query(
        TOP_UP,
        {"m": number, "a": "500", "p": {"cardToken": "tok_declined_visa"}, "k": key()},
        token=gateway.subscriber_token(number),
    )
    payload = answer.data["topUp"]
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("PAYMENT_DECLINED", "paymentMethod")
    ]
    assert payload["topUpId"] is None
    assert money(await state(gateway, number)) == before
    assert await ledger(http, backends.billing_url, number) == []


@pytest.mark.parametrize(
    ("amount", "field"), [("5", "amount"), ("15001", "amount"), ("10.001", "amount")]
)
async def test_amount_limits_are_checked_before_any_backend_call(
    gateway: GatewayClient, admins: dict[str, BackendAdmin], amount: str, field: str
) -> None:
    number = "+79000000056"
    await admins["billing"].reset()
    answer = await gateway.query(
        TOP_UP,
        {"m": number, "a": amount, "p": {"cardToken": "tok_visa"}, "k": key()},
        token=gateway.subscriber_token(number),
    )
    assert [e["code"] for e in answer.data["topUp"]["userErrors"]] == ["INVALID_AMOUNT"]
    assert await admins["billing"].count("/payment") == 0


async def test_a_key_is_required(gateway: GatewayClient) -> None:
    number = "+79000000056"
    answer = await gateway.query(
        TOP_UP,
        {"m": number, "a": "100", "p": {"cardToken": "tok_visa"}},
        token=gateway.subscriber_token(number),
    )
    assert answer.codes == ["BAD_USER_INPUT"]
    header = await gateway.query(
        TOP_UP,
        {"m": number, "a": "100", "p": {"cardToken": "tok_visa"}},
        token=gateway.subscriber_token(number),
        headers={"Idempotency-Key": key()},
    )
    assert header.data["topUp"]["userErrors"] == []


async def test_two_payment_methods_at_once_are_refused(gateway: GatewayClient) -> None:
    number = "+79000000056"
    answer = await gateway.query(
        TOP_UP,
        {"m": number, "a": "100", "p": {"cardToken": "a", "applePayToken": "b"}, "k": key()},
        token=gateway.subscriber_token(number),
    )
    # @oneOf: refused by GraphQL validation itself, before the resolver.
    assert answer.codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "exactly one" in answer.errors[0]["message"]


async def test_autopay(gateway: GatewayClient) -> None:
    number = "+79000000062"
    token = gateway.subscriber_token(number)
    set_monthly = """mutation($m: Msisdn!, $k: String) { setAutopay(msisdn: $m, amount: "300",
      paymentMethod: {cardToken: "tok_visa"}, idempotencyKey: $k) {
      autopayId userErrors { code } } }"""
    answer = await gateway.query(set_monthly, {"m": number, "k": key()}, token=token)
    assert answer.data["setAutopay"]["userErrors"] == []
    autopay = (await state(gateway, number))["autopay"]
    assert autopay["monthly"] is True

    below = """mutation($m: Msisdn!, $k: String) { setAutopay(msisdn: $m, amount: "200",
      paymentMethod: {cardToken: "tok_visa"}, belowAmount: "50", idempotencyKey: $k) {
      autopayId } }"""
    await gateway.query(below, {"m": number, "k": key()}, token=token)
    autopay = (await state(gateway, number))["autopay"]
    assert autopay["monthly"] is False
    assert autopay["belowAmount"] == {"amount": "50.00"}

    cancel = """mutation($m: Msisdn!, $k: String) { cancelAutopay(msisdn: $m, idempotencyKey: $k) {
      userErrors { code } } }"""
    assert (await gateway.query(cancel, {"m": number, "k": key()}, token=token)).data[
        "cancelAutopay"
    ]["userErrors"] == []
    assert (await state(gateway, number))["autopay"] is None
    again = await gateway.query(cancel, {"m": number, "k": key()}, token=token)
    assert [e["code"] for e in again.data["cancelAutopay"]["userErrors"]] == ["NOT_FOUND"]


async def test_agents_make_no_changes(gateway: GatewayClient) -> None:
    answer = await gateway.query(
        TOP_UP,
        {"m": "+79000000056", "a": "100", "p": {"cardToken": "tok_visa"}, "k": key()},
        token=gateway.agent_token(),
    )
    assert answer.codes == ["FORBIDDEN"]
