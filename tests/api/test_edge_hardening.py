"""The edge against strangers (issue #23): exponential fragments, caches that strangers
could fill, amounts that are not numbers, suggestions that give the schema away, and the
standard introspection query when introspection is on."""

from __future__ import annotations

import asyncio
import gc
import time
import uuid

import orjson
import psutil
import pytest
from graphql import get_introspection_query

from tests.actions.helpers import key
from tests.api.queries import HOME_SCREEN
from tests.conftest import GatewayFactory
from tests.harness.gateway import GatewayClient

DEMO = "+79000000001"
MIB = 1024 * 1024


def exponential(levels: int) -> str:
    """Fragment i spreads fragment i+1 twice: 2^levels fields once expanded."""
    parts = ["query Boom { ...F0 }"]
    parts += [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    parts.append(f"fragment F{levels} on Query {{ __typename }}")
    return "\n".join(parts)


async def test_exponential_fragments_are_refused_while_healthz_answers(
    gateway: GatewayClient,
) -> None:
    async def healthz() -> int:
        async with gateway.session.get(f"{gateway.url}/healthz") as response:
            return response.status

    started = time.monotonic()
    # No token: a stranger's document. Walked spread by spread it is 2^30 fields, hours
    # of CPU with the event loop blocked; /healthz would wait that long.
    refusing = asyncio.create_task(gateway.query(exponential(30)))
    health = await asyncio.gather(*(healthz() for _ in range(5)))
    answer = await refusing
    assert answer.codes == ["QUERY_TOO_LARGE"]
    assert answer.errors[0]["extensions"]["fields"] == 2**30
    assert health == [200] * 5
    # Wide margin: the unmemoised walk of 30 levels takes 2^10 times the 2.8 s of 20.
    assert time.monotonic() - started < 30


async def test_fragments_within_the_limit_are_answered(gateway: GatewayClient) -> None:
    answer = await gateway.query(exponential(8))  # 256 fields, the limit is 500
    assert answer.errors == []
    assert answer.data == {"__typename": "Query"}


async def test_failing_documents_are_not_kept(start_gateway: GatewayFactory) -> None:
    """5,000 distinct documents refused by validation: memory stays where it was."""
    process = psutil.Process()

    def rss() -> int:
        gc.collect()
        return int(process.memory_info().rss)

    def document() -> str:
        # The home screen (~50 KB parsed) and a root field no type has: parsed, measured,
        # refused by validation. Kept, 5,000 of them would be ~250 MB.
        return f"# {uuid.uuid4()}\n" + HOME_SCREEN.replace("me {", "nope me {", 1)

    async def send(count: int) -> None:
        for _ in range(count // 10):
            answers = await gateway.post([{"query": document()} for _ in range(10)])
            assert {e["extensions"]["code"] for a in answers.body for e in a["errors"]} == {
                "GRAPHQL_VALIDATION_FAILED"
            }

    async with start_gateway(rate_per_client=10**6, access_log=False) as gateway:
        await send(300)  # the allocator's and the interpreter's own warm-up
        before = rss()
        await send(5_000)
        after = rss()
        kept = len(gateway.runtime.documents)
    assert kept == 0
    assert after - before < 50 * MIB, f"RSS grew {(after - before) / MIB:.0f} MiB"


TOP_UP = """mutation($a: Decimal!, $k: String) {
  topUp(msisdn: "+79000000001", amount: $a, paymentMethod: {cardToken: "tok_visa"},
        idempotencyKey: $k) { topUpId userErrors { code } } }"""


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "sNaN", "12abc", 1e309])
async def test_amounts_that_are_not_finite_numbers_are_bad_input(
    gateway: GatewayClient, amount: str | float
) -> None:
    token = gateway.subscriber_token(DEMO)
    if isinstance(amount, float):
        # JSON has no infinity: 1e309 is a number too large for a double.
        raw = b'{"query": %s, "variables": {"a": 1e309}}' % orjson.dumps(TOP_UP)
        answer = await gateway.post(None, raw=raw, token=token)
        # orjson cannot hold it as a double: the body is refused as it is read.
        assert (answer.status, answer.codes) == (400, ["BAD_REQUEST"])
        return
    answer = await gateway.query(TOP_UP, {"a": amount, "k": key()}, token=token)
    assert answer.codes == ["BAD_USER_INPUT"]
    assert "internal error" not in answer.errors[0]["message"]


@pytest.mark.parametrize("literal", ['"NaN"', '"Infinity"', '"-Infinity"', '"sNaN"', "1e309"])
async def test_amount_literals_that_are_not_finite_numbers_are_refused(
    gateway: GatewayClient, literal: str
) -> None:
    query = TOP_UP.replace("$a: Decimal!, ", "").replace("amount: $a", f"amount: {literal}")
    answer = await gateway.query(query, {"k": key()}, token=gateway.subscriber_token(DEMO))
    assert answer.codes == ["BAD_USER_INPUT"]
    assert "finite" in answer.errors[0]["message"]
    assert answer.data is None


async def test_a_huge_finite_amount_is_the_typed_amount_error(gateway: GatewayClient) -> None:
    token = gateway.subscriber_token(DEMO)
    answer = await gateway.query(TOP_UP, {"a": "1e309", "k": key()}, token=token)
    assert answer.errors == []
    assert answer.data["topUp"]["userErrors"] == [{"code": "INVALID_AMOUNT"}]


# Each of these would suggest a near name: a field, an argument, a type, an enum value
# (in the text and in a variable), an input field.
NEAR_MISSES = [
    ("{ me { balanc { stale } } }", None),
    ('{ subscriber(msisdnn: "+79000000001") { msisdn } }', None),
    ("query($m: Msisdnn!) { subscriber(msisdn: $m) { msisdn } }", {"m": DEMO}),
    (
        'mutation { topUp(msisdn: "+79000000001", amount: "100", '
        'paymentMethod: {cardTokn: "tok_visa"}) { topUpId } }',
        None,
    ),
    (
        'mutation($p: PaymentMethodInput!) { topUp(msisdn: "+79000000001", amount: "100", '
        "paymentMethod: $p) { topUpId } }",
        {"p": {"cardTokn": "tok_visa"}},
    ),
]


@pytest.mark.parametrize(("query", "variables"), NEAR_MISSES)
async def test_no_suggestions_when_introspection_is_off(
    start_gateway: GatewayFactory, query: str, variables: dict[str, object] | None
) -> None:
    async with start_gateway() as gateway:
        off = await gateway.query(query, variables, token=gateway.subscriber_token(DEMO))
    async with start_gateway(introspection=True) as gateway:
        on = await gateway.query(query, variables, token=gateway.subscriber_token(DEMO))
    assert off.errors
    assert on.errors
    assert not any("Did you mean" in e["message"] for e in off.errors), off.errors
    assert any("Did you mean" in e["message"] for e in on.errors), on.errors


@pytest.mark.parametrize(
    "options",
    [
        {},
        # What GraphiQL 3 and graphql-codegen ask for.
        {"descriptions": True, "input_value_deprecation": True, "specified_by_url": True},
        {"directive_is_repeatable": True, "schema_description": True},
    ],
)
async def test_the_standard_introspection_query_is_answered_when_introspection_is_on(
    start_gateway: GatewayFactory, options: dict[str, bool]
) -> None:
    query = get_introspection_query(**options)
    async with start_gateway(introspection=True) as gateway:
        answer = await gateway.query(query)
    assert answer.errors == []
    names = {t["name"] for t in answer.data["__schema"]["types"]}
    assert {"Query", "Mutation", "Subscriber", "Balance"} <= names


async def test_the_standard_introspection_query_is_refused_when_introspection_is_off(
    gateway: GatewayClient,
) -> None:
    answer = await gateway.query(get_introspection_query())
    assert answer.codes == ["QUERY_TOO_DEEP"]
    assert answer.data is None


async def test_introspection_deeper_than_its_allowance_is_refused(
    start_gateway: GatewayFactory,
) -> None:
    async with start_gateway(introspection=True, max_introspection_depth=14) as gateway:
        answer = await gateway.query(get_introspection_query())
    assert answer.codes == ["QUERY_TOO_DEEP"]
    assert answer.errors[0]["extensions"] == {
        "code": "QUERY_TOO_DEEP",
        "depth": 15,
        "limit": 14,
        "requestId": answer.headers["x-request-id"],
    }
