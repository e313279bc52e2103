"""The seam: the gateway's own answer over HTTP for the home screen (the README's, as the
bench sends it) is graphql-core's answer, rendered as the pipeline renders one -- data
and the formatted errors -- with every backend up and with billing failing. When the
pipeline executes through the compiled plan, this is where a difference in the wiring
(not in the plan) shows."""

from __future__ import annotations

import graphql
import orjson
import pytest

from bench.queries import HOME_SCREEN
from domain.principals import SubscriberPrincipal
from gateway.errors import format_error
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient
from tests.plan.executors import reference, request_context
from tests.plan.faults import Failure, Outage
from tests.plan.operations import Cast

REQUEST_ID = "diff-http-request"


@pytest.mark.parametrize(
    "outage",
    [Outage(), Outage((("billing", Failure.ERROR),)), Outage((("provisioning", Failure.DOWN),))],
    ids=str,
)
async def test_the_home_screen_over_http_is_graphql_cores_answer(
    plan_gateway: GatewayClient, admins: dict[str, BackendAdmin], cast: Cast, outage: Outage
) -> None:
    runtime = plan_gateway.runtime
    schema = runtime.schema._schema
    document = graphql.parse(HOME_SCREEN)
    principal = SubscriberPrincipal(cast.own)

    async def expected() -> graphql.ExecutionResult:
        context = request_context(runtime, principal, REQUEST_ID)
        return await reference(schema, document, None, None, context)

    await outage.apply(admins)
    try:
        await expected()  # the read caches filled, as for any later request
        answer = await plan_gateway.query(
            HOME_SCREEN,
            token=plan_gateway.subscriber_token(cast.own),
            headers={"x-request-id": REQUEST_ID},
        )
        result = await expected()
    finally:
        await outage.clear(admins)
    assert answer.status == 200
    executed = result.data is not None
    assert orjson.dumps(answer.body["data"]) == orjson.dumps(result.data)
    formatted = [format_error(e, REQUEST_ID, executed) for e in result.errors or []]
    assert sorted(map(orjson.dumps, answer.body.get("errors", []))) == sorted(
        map(orjson.dumps, formatted)
    )
    if outage.failing:
        assert formatted, "the outage failed a part of the screen"
