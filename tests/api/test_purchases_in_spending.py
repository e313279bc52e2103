"""A paid action is a charge: a bought package lowers the balance by its price and shows
in the month's spending and in a statement's total by the same amount, and so does a tariff
change fee (issue 24, defect 3). Numbers +79000000380 and +79000000386 are this file's."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import aiohttp

from backends.runner import BackendsThread
from tests.actions.helpers import key, money, state
from tests.harness.gateway import GatewayClient

NUMBER = "+79000000380"
SPENDING = """query($m: Msisdn!) { subscriber(msisdn: $m) {
  expenses { category amount { amount } } } }"""
PACKAGES = "{ packages { id name price { amount } } }"
BUY = """mutation($m: Msisdn!, $p: ID!, $k: String) {
  addPackage(msisdn: $m, packageId: $p, idempotencyKey: $k) {
    orderId orderState userErrors { code } } }"""
STATEMENT = """mutation($m: Msisdn!, $f: Date!, $t: Date!, $e: String!, $k: String) {
  orderStatement(msisdn: $m, from: $f, to: $t, email: $e, format: PDF, idempotencyKey: $k) {
    state userErrors { code } } }"""
TOTAL = re.compile(r"сумма: (-?\d+\.\d{2})")


async def spending(gateway: GatewayClient) -> dict[str, Decimal]:
    return await spending_of(gateway, NUMBER)


async def spending_of(gateway: GatewayClient, number: str) -> dict[str, Decimal]:
    token = gateway.subscriber_token(number)
    answer = await gateway.query(SPENDING, {"m": number}, token=token)
    assert answer.errors == [], answer.errors
    rows: list[dict[str, Any]] = answer.data["subscriber"]["expenses"]
    return {row["category"]: Decimal(row["amount"]["amount"]) for row in rows}


async def statement_total(
    gateway: GatewayClient, http: aiohttp.ClientSession, sms_url: str, email: str
) -> Decimal:
    today = gateway.runtime.clock.now().date()
    variables = {"m": NUMBER, "f": str(today.replace(day=1)), "t": str(today), "e": email}
    answer = await gateway.query(
        STATEMENT, {**variables, "k": key()}, token=gateway.subscriber_token(NUMBER)
    )
    assert answer.data["orderStatement"] == {"state": "done", "userErrors": []}
    async with http.get(f"{sms_url}/admin/messages", params={"email": email}) as response:
        texts = [m["content"] for m in await response.json()]
    assert len(texts) == 1, texts
    found = TOTAL.search(texts[0])
    assert found, texts[0]
    return Decimal(found.group(1))


async def test_a_bought_package_is_in_spending_and_the_statement(
    gateway: GatewayClient, http: aiohttp.ClientSession, backends: BackendsThread
) -> None:
    packages = (await gateway.query(PACKAGES)).data["packages"]
    cheapest = min(packages, key=lambda p: Decimal(p["price"]["amount"]))
    price = Decimal(cheapest["price"]["amount"])
    before_money = money(await state(gateway, NUMBER))
    before_spending = await spending(gateway)
    before_total = await statement_total(gateway, http, backends.sms_url, "before.380@example.ru")

    bought = await gateway.query(
        BUY,
        {"m": NUMBER, "p": cheapest["id"], "k": key()},
        token=gateway.subscriber_token(NUMBER),
    )
    assert bought.data["addPackage"]["userErrors"] == []
    assert bought.data["addPackage"]["orderState"] == "COMPLETED"

    assert money(await state(gateway, NUMBER)) == before_money - price
    after_spending = await spending(gateway)
    assert after_spending.get("data", Decimal(0)) == before_spending.get("data", Decimal(0)) + price
    assert sum(after_spending.values()) == sum(before_spending.values()) + price
    after_total = await statement_total(gateway, http, backends.sms_url, "after.380@example.ru")
    assert after_total == before_total + price


async def test_a_tariff_change_fee_is_in_spending(gateway: GatewayClient) -> None:
    number = "+79000000386"
    token = gateway.subscriber_token(number)
    current = (await state(gateway, number))["tariff"]["id"]
    tariffs = (await gateway.query("{ tariffs { id } }")).data["tariffs"]
    preview = """query($m: Msisdn!, $t: ID!) { previewTariffChange(msisdn: $m, tariffId: $t) {
      changeFee { amount } } }"""
    fees = {}
    for tariff in tariffs:
        if tariff["id"] != current:
            answer = await gateway.query(preview, {"m": number, "t": tariff["id"]}, token=token)
            fees[tariff["id"]] = Decimal(answer.data["previewTariffChange"]["changeFee"]["amount"])
    target, fee = max(fees.items(), key=lambda kv: kv[1])
    assert fee > 0
    before = await spending_of(gateway, number)
    change = """mutation($m: Msisdn!, $t: ID!, $k: String) {
      changeTariff(msisdn: $m, tariffId: $t, idempotencyKey: $k) {
        orderState userErrors { code } } }"""
    changed = await gateway.query(change, {"m": number, "t": target, "k": key()}, token=token)
    assert changed.data["changeTariff"] == {"orderState": "COMPLETED", "userErrors": []}
    after = await spending_of(gateway, number)
    assert after.get("services", Decimal(0)) == before.get("services", Decimal(0)) + fee
