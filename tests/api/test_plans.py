"""Operations executed through compiled plans (gateway/plan/), over HTTP: the same answers
as graphql-core's executor (`TGW_EXECUTOR=graphql-core`), the fallbacks counted on
/metrics, and the switch back. The differential suite over the web page's, the bench's
and generated operations is its own (issue #14)."""

from __future__ import annotations

from typing import Any

from prometheus_client import REGISTRY

from tests.api.queries import DASHBOARD, HOME_SCREEN
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient

CALLER = "+79000000001"

# Two mutation fields: run one after the other, the second reads what the first changed.
MUTATIONS = """mutation Pay($m: Msisdn!) {
  declined: topUp(msisdn: $m, amount: "100", paymentMethod: {cardToken: "declined"},
                  idempotencyKey: "plans-key-1") {
    userErrors { code message } amount { amount } subscriber { msisdn } }
  autopay: cancelAutopay(msisdn: $m, idempotencyKey: "plans-key-2") {
    userErrors { code } subscriber { msisdn } }
}"""

# Fragments (named and inline), aliases, constant @include/@skip, a typename.
FRAGMENTS = """query Frag { __typename
  me { ...Head ... on Subscriber { b: balance { money { amount } } }
       balance @skip(if: true) { stale } t: tariff @include(if: true) { id __typename }
       linkedNumbers { ...Link } } }
fragment Head on Subscriber { msisdn name region }
fragment Link on LinkedNumber { msisdn alias subscriber { msisdn tariff { name } } }"""


def _executions() -> float:
    return REGISTRY.get_sample_value("tgw_plan_executions_total") or 0.0


def _fallbacks(reason: str) -> float:
    return REGISTRY.get_sample_value("tgw_plan_fallbacks_total", {"reason": reason}) or 0.0


def _without_request_ids(body: Any) -> Any:
    for error in body.get("errors") or ():
        error.get("extensions", {}).pop("requestId", None)
    return body


async def _through_both(
    start_gateway: GatewayFactory,
    admins: dict[str, BackendAdmin],
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    agent: bool = False,
    faults: dict[str, dict[str, Any]] | None = None,
    runs: int = 1,
) -> tuple[Any, Any]:
    """The same request through a plan and through graphql-core, each against reset
    backends with the same faults; whole answers are not kept, so both execute."""
    bodies = []
    for executor in ("plan", "graphql-core"):
        async with start_gateway(executor=executor, answer_ttl=0) as gateway:
            for admin in admins.values():
                await admin.reset()
            for name, fault in (faults or {}).items():
                await admins[name].faults(**fault)
            token = gateway.agent_token() if agent else gateway.subscriber_token(CALLER)
            before = _executions()
            answer = await gateway.query(query, variables, token=token)
            # The plan ran exactly when asked to.
            assert _executions() - before == (runs if executor == "plan" else 0)
            bodies.append(_without_request_ids(answer.body))
            for name in faults or {}:
                await admins[name].clear_faults()
    return bodies[0], bodies[1]


async def test_the_home_screen_is_the_same_through_a_plan(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    planned, generic = await _through_both(start_gateway, admins, HOME_SCREEN)
    assert "errors" not in planned
    assert planned["data"]["me"]["msisdn"] == CALLER
    assert planned == generic
    assert list(planned["data"]["me"]) == list(generic["data"]["me"])


async def test_a_dashboard_with_variables_is_the_same_through_a_plan(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    numbers = [f"+790000001{i:02d}" for i in range(12)]
    planned, generic = await _through_both(
        start_gateway, admins, DASHBOARD, {"msisdns": numbers}, agent=True
    )
    assert [s["msisdn"] for s in planned["data"]["subscribers"]] == numbers
    assert planned == generic


async def test_a_failing_backend_gives_the_same_partial_answer(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    planned, generic = await _through_both(
        start_gateway, admins, HOME_SCREEN, faults={"loyalty": {"down": True}}
    )
    assert planned["data"]["me"]["msisdn"] == CALLER
    assert planned["errors"], "the loyalty fields fail"
    assert {e["extensions"]["code"] for e in planned["errors"]} <= {
        "BACKEND_UNAVAILABLE",
        "BACKEND_ERROR",
    }
    assert planned == generic


async def test_fragments_aliases_and_constant_directives_are_the_same(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    planned, generic = await _through_both(start_gateway, admins, FRAGMENTS)
    me = planned["data"]["me"]
    assert "balance" not in me
    assert me["t"]["__typename"] == "Tariff"
    assert planned == generic


async def test_a_bad_variable_and_a_bad_argument_are_the_same(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    planned, generic = await _through_both(
        start_gateway, admins, DASHBOARD, {"msisdns": ["not-a-number"]}, agent=True
    )
    assert planned["errors"]
    assert "data" not in planned
    assert planned == generic
    literal = '{ subscriber(msisdn: "+7900") { msisdn } }'
    planned, generic = await _through_both(start_gateway, admins, literal, agent=True, runs=0)
    assert planned["errors"]
    assert planned == generic


async def test_mutations_run_in_order_and_answer_the_same(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    planned, generic = await _through_both(start_gateway, admins, MUTATIONS, {"m": CALLER})
    assert list(planned["data"]) == ["declined", "autopay"]
    assert planned["data"]["declined"]["userErrors"]
    assert planned == generic


async def test_a_variable_directive_falls_back_and_is_counted(
    start_gateway: GatewayFactory,
) -> None:
    query = "query($b: Boolean!) { me { msisdn balance @include(if: $b) { stale } } }"
    async with start_gateway(metrics_listen="api") as gateway:
        token = gateway.subscriber_token(CALLER)
        before = _fallbacks("variable-directive")
        answer = await gateway.query(query, {"b": False}, token=token)
        assert answer.data == {"me": {"msisdn": CALLER}}
        assert _fallbacks("variable-directive") == before + 1
        async with gateway.session.get(f"{gateway.url}/metrics") as response:
            text = await response.text()
    assert 'tgw_plan_fallbacks_total{reason="variable-directive"}' in text
    assert "tgw_plan_executions_total" in text
    assert "tgw_plan_cache_entries" in text


async def test_the_seam_runs_a_kept_plan_without_compiling_again(gateway: GatewayClient) -> None:
    token = gateway.subscriber_token(CALLER)
    documents = gateway.runtime.documents
    first = await gateway.query(HOME_SCREEN, token=token)
    plans = documents.plans
    _, plan = documents.planned(HOME_SCREEN, None)
    second = await gateway.query(HOME_SCREEN, token=token)
    assert first.errors == []
    assert second.errors == []
    assert documents.planned(HOME_SCREEN, None)[1] is plan
    assert documents.plans == plans


async def test_graphql_core_executor_runs_no_plan(start_gateway: GatewayFactory) -> None:
    async with start_gateway(executor="graphql-core", answer_ttl=0) as gateway:
        before = _executions()
        answer = await gateway.query(HOME_SCREEN, token=gateway.subscriber_token(CALLER))
        assert answer.errors == []
        assert _executions() == before
        assert gateway.runtime.documents.plans == 0
