"""Each limit refuses just above its bound and passes just below, before any backend call."""

from __future__ import annotations

import pytest

from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin

DEMO = "+79000000001"


def _nested(depth: int) -> str:
    """me { linkedNumbers { subscriber { linkedNumbers { ... msisdn } } } } at `depth` levels."""
    inner = "msisdn"
    levels = 1  # msisdn
    while levels + 2 <= depth - 1:
        inner = f"linkedNumbers {{ subscriber {{ {inner} }} }}"
        levels += 2
    query = f"{{ me {{ {inner} }} }}"
    return query


@pytest.mark.parametrize(("depth", "refused"), [(5, False), (7, True)])
async def test_depth(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin], depth: int, refused: bool
) -> None:
    query = _nested(depth)
    async with start_gateway(max_depth=5) as gateway:
        await admins["provisioning"].reset()
        answer = await gateway.query(query, token=gateway.subscriber_token(DEMO))
    if refused:
        assert answer.codes == ["QUERY_TOO_DEEP"]
        assert answer.errors[0]["extensions"]["limit"] == 5
        assert await admins["provisioning"].count("/permission") == 0
    else:
        assert "QUERY_TOO_DEEP" not in answer.codes


@pytest.mark.parametrize(("aliases", "refused"), [(3, False), (4, True)])
async def test_aliases(start_gateway: GatewayFactory, aliases: int, refused: bool) -> None:
    fields = " ".join(f"a{i}: tariffs {{ id }}" for i in range(aliases))
    async with start_gateway(max_aliases=3) as gateway:
        answer = await gateway.query(f"{{ {fields} }}")
    assert (answer.codes == ["TOO_MANY_ALIASES"]) is refused
    if not refused:
        assert answer.errors == []


@pytest.mark.parametrize(("fields", "refused"), [(5, False), (20, True)])
async def test_tokens(start_gateway: GatewayFactory, fields: int, refused: bool) -> None:
    query = "{ tariffs { " + " ".join(["id"] * fields) + " } }"
    async with start_gateway(max_tokens=20) as gateway:
        answer = await gateway.query(query)
    assert (answer.codes == ["TOO_MANY_TOKENS"]) is refused


@pytest.mark.parametrize(("numbers", "refused"), [(10, False), (11, True)])
async def test_cost_multiplies_lists_by_their_length(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin], numbers: int, refused: bool
) -> None:
    # Each number costs: balance 2 + tariff 2 = 4; the list 1; ten numbers: 41.
    query = "query($m: [Msisdn!]!) { subscribers(msisdns: $m) { balance { stale } tariff { id } } }"
    msisdns = [f"+790000001{i:02d}" for i in range(numbers)]
    async with start_gateway(max_cost=41) as gateway:
        await admins["billing"].reset()
        answer = await gateway.query(query, {"m": msisdns}, token=gateway.agent_token())
        if refused:
            assert answer.codes == ["QUERY_TOO_COSTLY"]
            assert answer.errors[0]["extensions"]["cost"] == 45
            assert answer.errors[0]["extensions"]["limit"] == 41
            assert "costs 45; the limit is 41" in answer.errors[0]["message"]
            assert await admins["billing"].count("/bucket") == 0
        else:
            assert answer.errors == []


async def test_measure_only_mode_refuses_nothing(start_gateway: GatewayFactory) -> None:
    query = "query($m: [Msisdn!]!) { subscribers(msisdns: $m) { balance { stale } } }"
    async with start_gateway(max_cost=5, limits_mode="measure") as gateway:
        answer = await gateway.query(
            query,
            {"m": ["+79000000101", "+79000000102", "+79000000103"]},
            token=gateway.agent_token(),
        )
    assert answer.errors == []


@pytest.mark.parametrize(("length", "refused"), [(100, False), (101, True)])
async def test_list_arguments_are_capped(
    start_gateway: GatewayFactory, length: int, refused: bool
) -> None:
    query = "query($m: [Msisdn!]!) { subscribers(msisdns: $m) { msisdn } }"
    msisdns = [f"+7900000{i:04d}" for i in range(length)]
    async with start_gateway(max_cost=100_000) as gateway:
        answer = await gateway.query(query, {"m": msisdns}, token=gateway.agent_token())
    assert (answer.codes[:1] == ["LIST_TOO_LONG"]) is refused


@pytest.mark.parametrize(("size", "status"), [(60_000, 200), (70_000, 413)])
async def test_body_size(start_gateway: GatewayFactory, size: int, status: int) -> None:
    padding = " " * (size - 40)
    raw = ('{"query": "{ tariffs { id }' + padding + '}"}').encode()
    async with start_gateway(max_body_bytes=65_536, max_tokens=100_000) as gateway:
        answer = await gateway.post(None, raw=raw)
    assert answer.status == status
    if status == 413:
        assert answer.codes == ["PAYLOAD_TOO_LARGE"]


async def test_introspection_is_off_unless_enabled(start_gateway: GatewayFactory) -> None:
    query = "{ __schema { queryType { name } } }"
    async with start_gateway() as gateway:
        off = await gateway.query(query)
    async with start_gateway(introspection=True) as gateway:
        on = await gateway.query(query)
    assert set(off.codes) == {"GRAPHQL_VALIDATION_FAILED"}
    assert on.data == {"__schema": {"queryType": {"name": "Query"}}}


async def test_an_operation_whose_deadline_passed_before_execution_is_not_run(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    # A deadline shorter than reading any document: the edge's own work spends it.
    async with start_gateway(request_deadline=1e-6) as gateway:
        await admins["billing"].reset()
        answer = await gateway.query(
            "{ me { balance { money { amount } } } }", token=gateway.subscriber_token(DEMO)
        )
    assert answer.codes == ["DEADLINE_EXCEEDED"]
    assert answer.status == 503
    assert sum((await admins["billing"].counts()).values()) == 0
