"""A fuzz run of the endpoint: generated queries, variables and bodies never get a 500,
a hang, an internal error or a stack trace."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.harness.gateway import GatewayClient

FIELDS = [
    "me",
    "subscriber",
    "subscribers",
    "tariffs",
    "serviceCatalog",
    "offers",
    "msisdn",
    "balance",
    "money",
    "amount",
    "quotas",
    "tariff",
    "services",
    "expenses",
    "linkedNumbers",
    "__typename",
    "__schema",
    "logIn",
    "requestLoginCode",
    "nope",
]
ARGS = [
    '(msisdn: "+79000000001")',
    '(msisdns: ["8 900 000 00 01"])',
    "(msisdn: $m)",
    '(from: "2026-01-01")',
    "(msisdn: 1)",
    "(code: null)",
    "",
]
PUNCT = [
    "{",
    "}",
    "(",
    ")",
    "...",
    "on",
    "query",
    "mutation",
    "fragment F on Query",
    "$m: Msisdn!",
    ":",
    "@skip(if: true)",
    "#",
    '"',
    "\\u0000",
    "\n",
]

token = st.one_of(
    st.sampled_from(FIELDS),
    st.sampled_from(PUNCT),
    st.sampled_from(ARGS),
    st.text(max_size=8),
)
queries = st.lists(token, max_size=40).map(" ".join)
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=10,
)
bodies = st.one_of(
    st.fixed_dictionaries(
        {"query": queries},
        optional={
            "variables": json_values,
            "operationName": json_values,
            "extensions": json_values,
        },
    ),
    json_values,
    st.lists(st.fixed_dictionaries({"query": queries}), max_size=3),
)


def _cases() -> list[Any]:
    found: list[Any] = []

    @settings(max_examples=400, database=None, derandomize=True)
    @given(bodies)
    def collect(body: Any) -> None:
        found.append(body)

    collect()
    return found


async def test_generated_requests_never_break_the_endpoint(gateway: GatewayClient) -> None:
    token_value = gateway.agent_token()
    for body in _cases():
        answer = await asyncio.wait_for(gateway.post(body, token=token_value), timeout=10)
        assert answer.status in {200, 400, 405, 413, 415, 429}, (body, answer.body)
        items = answer.body if isinstance(answer.body, list) else [answer.body]
        for item in items:
            assert isinstance(item, dict), (body, answer.body)
            for error in item.get("errors", []):
                assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR", (body, error)
                assert "Traceback" not in error["message"]


async def test_garbage_bytes(gateway: GatewayClient) -> None:
    for raw in [
        b"\xff\xfe",
        b"{" * 10_000,
        b'{"query": "' + b"{" * 5000 + b'"}',
        b"null",
        b"1e999",
    ]:
        answer = await asyncio.wait_for(gateway.post(None, raw=raw), timeout=10)
        assert answer.status in {200, 400, 413}
