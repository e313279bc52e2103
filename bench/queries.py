"""The GraphQL documents the bench sends, as JSON bodies.

The home screen is the README's query (the mobile app's first screen). The batched form
asks for the same data in six small operations of one JSON array, as a client composing
a screen from components would.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

BALANCE = """balance { money { amount currency }
  quotas { kind remaining total unit unlimited validUntil }
  nextChargeAt nextChargeAmount { amount currency } updatedAt stale }"""
TARIFF = """tariff { id name monthlyFee { amount currency }
  allowances { kind amount unit unlimited } configurable }"""
SERVICES = "services { id name category status fee { amount currency } }"
EXPENSES = "expenses { category amount { amount currency } }"
LINKED = "linkedNumbers { msisdn alias status }"
OFFERS = "offers { id partner title kind activated promoCode }"

SUBSCRIBER_FIELDS = " ".join(
    ["msisdn name region", BALANCE, TARIFF, SERVICES, EXPENSES, LINKED, OFFERS]
)
HOME_SCREEN = "query HomeScreen { me { " + SUBSCRIBER_FIELDS + " } }"

HOME_PARTS = (
    "query Profile { me { msisdn name region } }",
    "query Balance { me { " + BALANCE + " } }",
    "query Tariff { me { " + TARIFF + " } }",
    "query Services { me { " + SERVICES + " } }",
    "query Expenses { me { " + EXPENSES + " } }",
    "query Social { me { " + LINKED + " " + OFFERS + " } }",
)

DASHBOARD = (
    "query Dashboard($msisdns: [Msisdn!]!) { subscribers(msisdns: $msisdns) { "
    + SUBSCRIBER_FIELDS
    + " } }"
)

LOGIN = """mutation Login($m: Msisdn!, $p: String!) {
  logInWithPassword(msisdn: $m, password: $p) { accessToken accessTokenExpiresAt } }"""

TOP_UP = """mutation TopUp($m: Msisdn!, $a: Decimal!, $p: PaymentMethodInput!, $k: String) {
  topUp(msisdn: $m, amount: $a, paymentMethod: $p, idempotencyKey: $k) {
    topUpId amount { amount } userErrors { code message }
    subscriber { balance { money { amount } } } } }"""

# The floor: what every request pays whatever it asks (HTTP, the token, the limits, the
# JSON), with next to nothing executed.
FLOOR = "query Floor { __typename }"

READ_BALANCE = "query Balance { me { " + BALANCE + " } }"

# Where the load generator puts a fresh idempotency key into a top-up's body.
KEY_MARK = "@@KEY@@"
TOP_UP_AMOUNT = "100"
# Any token but "declined"/"insufficient" pays (docs/backends.md).
CARD_TOKEN = "tok_bench_visa"  # noqa: S105 - a test card token, not a secret


def body(query: str, variables: Mapping[str, object] | None = None) -> str:
    payload: dict[str, object] = {"query": query}
    if variables is not None:
        payload["variables"] = dict(variables)
    return json.dumps(payload, separators=(",", ":"))


def home_body() -> str:
    return body(HOME_SCREEN)


def floor_body() -> str:
    return body(FLOOR)


def batched_home_body() -> str:
    return json.dumps([{"query": q} for q in HOME_PARTS], separators=(",", ":"))


def dashboard_body(numbers: Sequence[str]) -> str:
    return body(DASHBOARD, {"msisdns": list(numbers)})


def login_body(number: str, password: str) -> str:
    return body(LOGIN, {"m": number, "p": password})


def top_up_body(number: str, key: str, amount: str = TOP_UP_AMOUNT) -> str:
    variables = {"m": number, "a": amount, "p": {"cardToken": CARD_TOKEN}, "k": key}
    return body(TOP_UP, variables)


def top_up_template(number: str) -> tuple[str, str]:
    """The top-up body split where the idempotency key goes."""
    before, after = top_up_body(number, KEY_MARK).split(KEY_MARK)
    return before, after
