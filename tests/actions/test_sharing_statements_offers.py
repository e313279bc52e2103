"""Sharing gigabytes, statements by e-mail, partner offers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from backends.runner import BackendsThread
from tests.actions.helpers import data_left, key, state
from tests.harness.gateway import GatewayClient

SHARE = """mutation($f: Msisdn!, $t: Msisdn!, $g: Int!, $k: String) {
  shareData(fromMsisdn: $f, toMsisdn: $t, gigabytes: $g, idempotencyKey: $k) {
    transferId userErrors { field code message } } }"""


async def test_share_gigabytes_moves_them_both_ways(gateway: GatewayClient) -> None:
    sender, receiver = "+79000000066", "+79000000067"
    before_sender = data_left(await state(gateway, sender))
    before_receiver = data_left(await state(gateway, receiver))
    answer = await gateway.query(
        SHARE,
        {"f": sender, "t": receiver, "g": 2, "k": key()},
        token=gateway.subscriber_token(sender),
    )
    assert answer.data["shareData"]["userErrors"] == []
    assert data_left(await state(gateway, sender)) == pytest.approx(before_sender - 2)
    assert data_left(await state(gateway, receiver)) == pytest.approx(before_receiver + 2)


async def test_share_limits(gateway: GatewayClient) -> None:
    sender = "+79000000066"
    token = gateway.subscriber_token(sender)

    async def codes(receiver: str, gigabytes: int) -> list[str]:
        answer = await gateway.query(
            SHARE, {"f": sender, "t": receiver, "g": gigabytes, "k": key()}, token=token
        )
        return [e["code"] for e in answer.data["shareData"]["userErrors"]]

    assert await codes("+79000000067", 31) == ["INVALID_AMOUNT"]
    assert await codes("+79000000067", 0) == ["INVALID_AMOUNT"]
    assert await codes("+79990000000", 1) == ["NOT_OPERATOR_NUMBER"]
    assert await codes(sender, 1) == ["INVALID_INPUT"]
    left = data_left(await state(gateway, sender))
    assert left < 29  # the data set gives this number a few GB
    assert await codes("+79000000067", int(left) + 1) == ["INSUFFICIENT_BALANCE"]


async def test_order_a_statement_by_email(
    gateway: GatewayClient, http: aiohttp.ClientSession, backends: BackendsThread
) -> None:
    number = "+79000000063"
    token = gateway.subscriber_token(number)
    order = """mutation($m: Msisdn!, $f: Date!, $t: Date!, $e: String!, $k: String) {
      orderStatement(msisdn: $m, from: $f, to: $t, email: $e, format: XLSX, idempotencyKey: $k) {
        statementId state userErrors { field code } } }"""
    today = gateway.runtime.clock.now().date()
    too_old = await gateway.query(
        order,
        {
            "m": number,
            "f": str(today - timedelta(days=300)),
            "t": str(today),
            "e": "x@example.ru",
            "k": key(),
        },
        token=token,
    )
    assert [e["code"] for e in too_old.data["orderStatement"]["userErrors"]] == ["INVALID_PERIOD"]
    bad_email = await gateway.query(
        order,
        {
            "m": number,
            "f": str(today - timedelta(days=20)),
            "t": str(today),
            "e": "nope",
            "k": key(),
        },
        token=token,
    )
    assert [e["code"] for e in bad_email.data["orderStatement"]["userErrors"]] == ["INVALID_EMAIL"]
    done = await gateway.query(
        order,
        {
            "m": number,
            "f": str(today - timedelta(days=20)),
            "t": str(today),
            "e": "statement.test@example.ru",
            "k": key(),
        },
        token=token,
    )
    assert done.data["orderStatement"]["userErrors"] == []
    assert done.data["orderStatement"]["state"] == "done"
    async with http.get(
        f"{backends.sms_url}/admin/messages", params={"email": "statement.test@example.ru"}
    ) as response:
        assert len(await response.json()) == 1


async def test_activate_an_offer_the_first_time_with_an_email(gateway: GatewayClient) -> None:
    number = "+79000000070"  # not a member of the programme in the data set
    token = gateway.subscriber_token(number)
    offers = (await state(gateway, number))["offers"]
    offer = next(o for o in offers if not o["activated"])
    activate = """mutation($o: ID!, $e: String, $k: String) {
      activateOffer(offerId: $o, email: $e, idempotencyKey: $k) {
        promoCode userErrors { field code } } }"""
    first = await gateway.query(activate, {"o": offer["id"], "k": key()}, token=token)
    assert [(e["code"], e["field"]) for e in first.data["activateOffer"]["userErrors"]] == [
        ("EMAIL_REQUIRED", "email")
    ]
    done = await gateway.query(
        activate, {"o": offer["id"], "e": "petr@example.ru", "k": key()}, token=token
    )
    assert done.data["activateOffer"]["userErrors"] == []
    code = done.data["activateOffer"]["promoCode"]
    assert code
    now = {o["id"]: o for o in (await state(gateway, number))["offers"]}
    assert now[offer["id"]] == {"id": offer["id"], "activated": True, "promoCode": code}
    twice = await gateway.query(activate, {"o": offer["id"], "k": key()}, token=token)
    assert [e["code"] for e in twice.data["activateOffer"]["userErrors"]] == [
        "OFFER_ALREADY_ACTIVE"
    ]


async def test_an_activation_shows_on_its_own_number_only(gateway: GatewayClient) -> None:
    # Two numbers with nothing activated share one converted list of offers (kept by the
    # records they came from: schema/converted.py); activating on one must not show on
    # the other, before or after, on a screen reading both.
    screen = """query($m: [Msisdn!]!) {
      subscribers(msisdns: $m) { msisdn offers { id activated promoCode } } }"""
    agent = gateway.agent_token()

    async def offers(numbers: list[str]) -> dict[str, dict[str, Any]]:
        answer = await gateway.query(screen, {"m": numbers}, token=agent)
        assert answer.errors == []
        return {s["msisdn"]: {o["id"]: o for o in s["offers"]} for s in answer.data["subscribers"]}

    candidates = await offers([f"+790000000{n}" for n in range(70, 90)])
    mine, other = [
        n for n, shown in candidates.items() if not any(o["activated"] for o in shown.values())
    ][:2]
    before = await offers([mine, other])
    assert before[mine] == before[other]
    offer = next(o for o in before[mine].values() if not o["activated"])
    done = await gateway.query(
        """mutation($o: ID!, $e: String, $k: String) {
          activateOffer(offerId: $o, email: $e, idempotencyKey: $k) { promoCode } }""",
        {"o": offer["id"], "e": "kept@example.ru", "k": key()},
        token=gateway.subscriber_token(mine),
    )
    code = done.data["activateOffer"]["promoCode"]
    after = await offers([mine, other])
    assert after[mine][offer["id"]] == {"id": offer["id"], "activated": True, "promoCode": code}
    assert after[other] == before[other]
