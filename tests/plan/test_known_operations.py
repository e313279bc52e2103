"""Same answers, proven on every operation the gateway's own clients send: the web page,
the agent console and the bench, each query under no outage and under each backend
failing (down, or answering 500), each action once."""

from __future__ import annotations

import graphql
import pytest

from domain.principals import SubscriberPrincipal

from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient
from tests.plan.executors import reference, request_context
from tests.plan.faults import READ_BACKENDS, Failure, Outage
from tests.plan.operations import (
    Cast,
    bench_queries,
    chat_actions,
    console_operations,
    console_queries,
    key,
    page_actions,
    page_operations,
    page_queries,
    session_actions,
)
from tests.plan.trial import trial

OUTAGES = [
    Outage(),
    *(Outage(((name, Failure.ERROR),)) for name in READ_BACKENDS),
    Outage((("billing", Failure.DOWN), ("loyalty", Failure.DOWN))),
    Outage(tuple((name, Failure.DOWN) for name in READ_BACKENDS)),
]


async def test_the_page_console_and_bench_queries_answer_the_same(
    plan_gateway: GatewayClient, admins: dict[str, BackendAdmin], cast: Cast
) -> None:
    runtime = plan_gateway.runtime
    operations = [*page_queries(cast), *console_queries(cast), *bench_queries(cast)]
    failed = []
    errors_seen = 0
    for operation in operations:
        for outage in OUTAGES:
            verdict = await trial(runtime, admins, operation, outage)
            errors_seen += len(verdict.reference.errors)
            if verdict.differences:
                failed.append(str(verdict))
    assert failed == [], "\n\n".join(failed)
    # The outages did fail something: the errors compared were there to compare.
    assert errors_seen > len(operations)


async def test_the_page_actions_answer_the_same(
    plan_gateway: GatewayClient, admins: dict[str, BackendAdmin], cast: Cast
) -> None:
    runtime = plan_gateway.runtime
    failed = []
    operations = [*page_actions(cast), *session_actions(cast)]
    # A conversation for the chat's actions, started outside the comparison.
    msisdn = cast.fresh.take()
    started = await reference(
        runtime.schema._schema,
        graphql.parse(page_operations()["StartSupportConversation"]),
        {"msisdn": msisdn, "text": "The internet is slow", "idempotencyKey": key()},
        None,
        request_context(runtime, SubscriberPrincipal(msisdn), "diff-setup"),
    )
    assert started.errors is None and started.data is not None, started.errors
    conversation = started.data["startSupportConversation"]["id"]
    operations += chat_actions(cast, conversation, msisdn)
    for index, operation in enumerate(operations):
        verdict = await trial(runtime, admins, operation, candidate_first=index % 2 == 1)
        if verdict.differences:
            failed.append(str(verdict))
    assert failed == [], "\n\n".join(failed)


@pytest.mark.parametrize("name", ["HomeScreen", "TopUp", "LogIn", "SupportConversation"])
def test_the_page_operations_are_found(name: str) -> None:
    # The operations are read from the page's files: an empty read would prove nothing.
    assert name in page_operations()
    assert {"PICTURE", "QUEUE", "AUDIT", "SEND", "ESCALATE"} <= set(console_operations())
