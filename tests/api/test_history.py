"""A number's recent top-ups and ordered statements (Subscriber.topUps, .statements), over
real HTTP to the simulators: a top-up shows in its own payload and in the next read, a
statement likewise; another number's are FORBIDDEN to a subscriber; an agent's read of
them is audited. Numbers +79000000071..074 are this file's."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from tests.api.test_audit_log import audit_log, supervisor
from tests.harness.gateway import GatewayClient

TOP_UPS = """fragment H on Subscriber {
  topUps(first: 5) { id amount { amount currency } state paidAt paymentMethod
    paymentMethodName topUpId }
  statements(first: 5) { id from to format email state orderedAt error } }"""
READ = "query($m: Msisdn!) { subscriber(msisdn: $m) { ...H } }\n" + TOP_UPS
TOP_UP = (
    """mutation($m: Msisdn!, $a: Decimal!, $p: PaymentMethodInput!, $k: String) {
  topUp(msisdn: $m, amount: $a, paymentMethod: $p, idempotencyKey: $k) {
    topUpId userErrors { code } subscriber { ...H } } }\n"""
    + TOP_UPS
)
STATEMENT = (
    """mutation($m: Msisdn!, $f: Date!, $t: Date!, $e: String!, $k: String) {
  orderStatement(msisdn: $m, from: $f, to: $t, email: $e, format: XLSX, idempotencyKey: $k) {
    statementId userErrors { code } subscriber { ...H } } }\n"""
    + TOP_UPS
)


def key() -> str:
    return f"test-{uuid.uuid4().hex}"


async def history(gateway: GatewayClient, msisdn: str, token: str) -> dict[str, Any]:
    answer = await gateway.query(READ, {"m": msisdn}, token=token)
    assert answer.errors == [], answer.errors
    found: dict[str, Any] = answer.data["subscriber"]
    return found


async def test_a_top_up_shows_in_its_payload_and_in_the_next_read(
    gateway: GatewayClient,
) -> None:
    number = "+79000000071"
    token = gateway.subscriber_token(number)
    before = (await history(gateway, number, token))["topUps"]
    answer = await gateway.query(
        TOP_UP,
        {"m": number, "a": "123.45", "p": {"applePayToken": "apple-history"}, "k": key()},
        token=token,
    )
    payload = answer.data["topUp"]
    assert payload["userErrors"] == []
    newest = payload["subscriber"]["topUps"][0]
    assert newest["id"] not in {t["id"] for t in before}
    assert newest["topUpId"] == payload["topUpId"]
    assert newest["amount"] == {"amount": "123.45", "currency": "RUB"}
    assert newest["state"] == "COMPLETED"
    assert newest["paymentMethod"] == "APPLE_PAY"
    assert newest["paymentMethodName"] == "Apple Pay"

    # A declined one is listed too, newest first, and nothing was credited for it.
    declined = await gateway.query(
        TOP_UP,
        {"m": number, "a": "50", "p": {"cardToken": "tok_declined"}, "k": key()},
        token=token,
    )
    assert [e["code"] for e in declined.data["topUp"]["userErrors"]] == ["PAYMENT_DECLINED"]
    after = (await history(gateway, number, token))["topUps"]
    assert [(t["state"], t["paymentMethod"], t["topUpId"]) for t in after[:2]] == [
        ("DECLINED", "CARD_TOKEN", None),
        ("COMPLETED", "APPLE_PAY", payload["topUpId"]),
    ]
    assert after[0]["paidAt"] >= after[1]["paidAt"]
    assert len(after) == len(before) + 2


async def test_an_ordered_statement_shows_in_its_payload_and_in_the_next_read(
    gateway: GatewayClient,
) -> None:
    number = "+79000000072"
    token = gateway.subscriber_token(number)
    today = gateway.runtime.clock.now().date()
    start = today - timedelta(days=10)
    answer = await gateway.query(
        STATEMENT,
        {"m": number, "f": str(start), "t": str(today), "e": "history@example.ru", "k": key()},
        token=token,
    )
    payload = answer.data["orderStatement"]
    assert payload["userErrors"] == []
    listed = payload["subscriber"]["statements"]
    assert listed[0]["id"] == payload["statementId"]
    again = (await history(gateway, number, token))["statements"][0]
    for statement in (listed[0], again):
        assert statement["from"] == str(start)
        assert statement["to"] == str(today)
        assert statement["format"] == "XLSX"
        assert statement["email"] == "history@example.ru"
        assert statement["error"] is None
    assert again["state"] == "done"  # the simulators take the step at once in the tests


async def test_a_subscriber_cannot_read_another_numbers_history(gateway: GatewayClient) -> None:
    answer = await gateway.query(
        READ, {"m": "+79000000071"}, token=gateway.subscriber_token("+79000000073")
    )
    assert answer.codes == ["FORBIDDEN"]
    assert answer.data["subscriber"] is None


async def test_first_is_bounded(gateway: GatewayClient) -> None:
    number = "+79000000073"
    answer = await gateway.query(
        "query($m: Msisdn!) { subscriber(msisdn: $m) { topUps(first: 0) { id } } }",
        {"m": number},
        token=gateway.subscriber_token(number),
    )
    assert answer.codes == ["BAD_USER_INPUT"]


async def test_an_agent_reads_a_numbers_history_and_the_read_is_audited(
    gateway: GatewayClient,
) -> None:
    number = "+79000000074"
    token = gateway.subscriber_token(number)
    await gateway.query(
        TOP_UP,
        {"m": number, "a": "77", "p": {"cardToken": "tok_visa"}, "k": key()},
        token=token,
    )
    mine = await history(gateway, number, token)
    agent = f"history-{uuid.uuid4().hex[:8]}"
    seen = await history(gateway, number, gateway.agent_token(agent))
    assert seen == mine
    assert Decimal(seen["topUps"][0]["amount"]["amount"]) == 77
    page = await audit_log(gateway, supervisor(gateway), agent=agent)
    assert [(e["msisdn"], e["fields"]) for e in page["entries"]] == [
        (number, ["statements", "topUps"])
    ]
