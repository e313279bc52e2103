"""A mutation's payload shows the number as it is after the change: the reads the action
made before the change (its request's loaders) are dropped with the caches."""

from __future__ import annotations

import pytest

from tests.actions.helpers import data_left, key, money, state
from tests.harness.gateway import GatewayClient

QUOTAS = "subscriber { balance { money { amount } quotas { kind remaining total unlimited } } }"
SHARE = f"""mutation($f: Msisdn!, $t: Msisdn!, $g: Int!, $k: String) {{
  shareData(fromMsisdn: $f, toMsisdn: $t, gigabytes: $g, idempotencyKey: $k) {{
    transferId userErrors {{ code }} {QUOTAS} }} }}"""
PACKAGE = f"""mutation($m: Msisdn!, $k: String) {{
  addPackage(msisdn: $m, packageId: "PKG-5GB", idempotencyKey: $k) {{
    orderState userErrors {{ code }} {QUOTAS} }} }}"""


async def test_share_data_answers_with_the_quotas_after_the_transfer(
    gateway: GatewayClient,
) -> None:
    sender, receiver = "+79000000091", "+79000000092"  # numbers no other test changes
    before = data_left(await state(gateway, sender))
    answer = await gateway.query(
        SHARE,
        {"f": sender, "t": receiver, "g": 1, "k": key()},
        token=gateway.subscriber_token(sender),
    )
    payload = answer.data["shareData"]
    assert payload["userErrors"] == []
    assert data_left(payload["subscriber"]) == pytest.approx(before - 1)
    assert data_left(await state(gateway, sender)) == pytest.approx(before - 1)


async def test_add_package_answers_with_the_new_quota_and_money(gateway: GatewayClient) -> None:
    number = "+79000000096"  # T-ONLINE, no other test changes it
    before = await state(gateway, number)
    answer = await gateway.query(
        PACKAGE, {"m": number, "k": key()}, token=gateway.subscriber_token(number)
    )
    payload = answer.data["addPackage"]
    assert payload["userErrors"] == []
    assert money(payload["subscriber"]) == money(before) - 200
    added = [
        q
        for q in payload["subscriber"]["balance"]["quotas"]
        if q not in before["balance"]["quotas"]
    ]
    assert any(q["kind"] == "DATA" and q["total"] == 5 for q in added)


async def test_a_second_top_up_in_the_same_request_lists_both(gateway: GatewayClient) -> None:
    # The first payload read the number's top-ups through the request's loader; the second
    # top-up drops that read, so its payload lists both (tests/api/test_history.py has more).
    number = "+79000000075"
    pay = 'paymentMethod: {cardToken: "tok_visa"}'
    answer = await gateway.query(
        f"""mutation($k1: String, $k2: String) {{
          a: topUp(msisdn: "{number}", amount: "10", {pay}, idempotencyKey: $k1) {{
            topUpId subscriber {{ topUps {{ topUpId }} }} }}
          b: topUp(msisdn: "{number}", amount: "20", {pay}, idempotencyKey: $k2) {{
            topUpId subscriber {{ topUps {{ topUpId }} }} }} }}""",
        {"k1": key(), "k2": key()},
        token=gateway.subscriber_token(number),
    )
    assert answer.errors == [], answer.errors
    first, second = answer.data["a"], answer.data["b"]
    assert first["subscriber"]["topUps"][0]["topUpId"] == first["topUpId"]
    assert [t["topUpId"] for t in second["subscriber"]["topUps"][:2]] == [
        second["topUpId"],
        first["topUpId"],
    ]
