"""Bad input gets a clear error with a stable code: never a 500, a hang or a stack trace."""

from __future__ import annotations

import pytest

from tests.api.queries import SUBSCRIBER_BALANCE
from tests.conftest import GatewayFactory
from tests.harness.gateway import GatewayClient


@pytest.mark.parametrize("typed", ["12345", "not a number", "+74951234567", "", "+7900"])
async def test_a_malformed_msisdn_variable(gateway: GatewayClient, typed: str) -> None:
    answer = await gateway.query(SUBSCRIBER_BALANCE, {"m": typed}, token=gateway.agent_token())
    assert answer.status == 200
    assert answer.codes == ["BAD_USER_INPUT"]
    assert "data" not in answer.body
    assert "$m" in answer.errors[0]["message"]


async def test_a_malformed_msisdn_literal(gateway: GatewayClient) -> None:
    answer = await gateway.query(
        '{ subscriber(msisdn: "12345") { msisdn } }', token=gateway.agent_token()
    )
    assert answer.codes == ["BAD_USER_INPUT"]
    assert "not a valid number" in answer.errors[0]["message"]


async def test_numbers_are_accepted_as_people_type_them(gateway: GatewayClient) -> None:
    answer = await gateway.query(
        SUBSCRIBER_BALANCE, {"m": "8 (900) 000-00-01"}, token=gateway.agent_token()
    )
    assert answer.errors == []
    assert answer.data["subscriber"]["msisdn"] == "+79000000001"


async def test_an_unknown_number_is_not_found(gateway: GatewayClient) -> None:
    answer = await gateway.query(
        SUBSCRIBER_BALANCE, {"m": "+79990000000"}, token=gateway.agent_token()
    )
    assert answer.data == {"subscriber": None}
    assert answer.codes == ["NOT_FOUND"]


async def test_a_syntax_error(gateway: GatewayClient) -> None:
    answer = await gateway.query("{ me { msisdn ", token=gateway.agent_token())
    assert answer.status == 200
    assert answer.codes == ["GRAPHQL_PARSE_FAILED"]


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ me { noSuchField } }", None),
        ("{ subscriber { msisdn } }", None),
        ("{ subscriber(msisdn: 79000000001) { msisdn } }", None),
    ],
    ids=["unknown-field", "missing-argument", "wrong-literal-type"],
)
async def test_an_invalid_operation(
    gateway: GatewayClient, query: str, variables: dict[str, object] | None
) -> None:
    answer = await gateway.query(query, variables, token=gateway.agent_token())
    assert answer.status == 200
    assert answer.codes[0] in {"GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}


async def test_a_variable_of_the_wrong_type(gateway: GatewayClient) -> None:
    answer = await gateway.query(
        SUBSCRIBER_BALANCE, {"m": 79000000001}, token=gateway.agent_token()
    )
    assert answer.codes == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b'{"query": 5}', "application/json"),
        (b'{"query": "{ tariffs { id } }", "variables": []}', "application/json"),
    ],
    ids=["not-json", "not-an-object", "query-not-string", "variables-not-object"],
)
async def test_a_malformed_request_is_400(
    gateway: GatewayClient, raw: bytes, content_type: str
) -> None:
    answer = await gateway.post(None, raw=raw, headers={"content-type": content_type})
    assert answer.status == 400
    assert answer.codes == ["BAD_REQUEST"]


async def test_too_many_numbers_in_one_query(start_gateway: GatewayFactory) -> None:
    numbers = [f"+7900000{i:04d}" for i in range(101)]
    query = "query($m: [Msisdn!]!) { subscribers(msisdns: $m) { msisdn } }"
    async with start_gateway() as gateway:
        edge = await gateway.query(query, {"m": numbers}, token=gateway.agent_token())
    # The resolver's own cap holds too, should the edge's list limit be raised.
    async with start_gateway(max_list_length=1000, max_cost=100_000) as gateway:
        resolver = await gateway.query(query, {"m": numbers}, token=gateway.agent_token())
    assert edge.codes == ["LIST_TOO_LONG"]
    assert "101 items; the limit is 100" in edge.errors[0]["message"]
    assert resolver.codes == ["BAD_USER_INPUT"]
    assert "at most 100" in resolver.errors[0]["message"]


async def test_an_expense_period_backwards(gateway: GatewayClient) -> None:
    answer = await gateway.query(
        '{ me { expenses(from: "2026-05-01", to: "2026-04-01") { category } } }',
        token=gateway.subscriber_token("+79000000001"),
    )
    assert answer.codes == ["BAD_USER_INPUT"]
    assert answer.data == {"me": {"expenses": None}}


async def test_every_error_carries_the_request_id(gateway: GatewayClient) -> None:
    answer = await gateway.query(
        "{ me { msisdn } }", headers={"x-request-id": "client-chosen-id-1"}
    )
    assert answer.headers["x-request-id"] == "client-chosen-id-1"
    assert answer.errors[0]["extensions"]["requestId"] == "client-chosen-id-1"
