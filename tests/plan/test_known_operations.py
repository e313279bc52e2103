"""Same answers, proven on every operation the gateway's own clients send: the web page,
the agent console and the bench, each query under no outage and under each backend
failing (down, or answering 500), each action once."""

from __future__ import annotations

import graphql

from domain.principals import SubscriberPrincipal
from tests.harness.backends import BackendAdmin
from tests.harness.clock import FakeClock
from tests.harness.gateway import GatewayClient
from tests.plan.executors import reference, request_context
from tests.plan.faults import READ_BACKENDS, Failure, Outage
from tests.plan.operations import (
    Cast,
    bench_actions,
    bench_documents,
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
from tests.plan.trial import Seen, trial

# (the outage, the caches): "cold", the numbers' cached reads dropped first, so a failing
# backend fails its reads; "warm", the caches answer; "expired", the clock moved past the
# balance's freshness first, so billing failing serves the kept balance stale.
OUTAGES = [
    (Outage(), "cold"),
    (Outage(), "warm"),
    *((Outage(((name, Failure.ERROR),)), "cold") for name in READ_BACKENDS),
    (Outage((("billing", Failure.ERROR),)), "expired"),
    (Outage((("billing", Failure.DOWN), ("loyalty", Failure.DOWN))), "cold"),
    (Outage(tuple((name, Failure.DOWN) for name in READ_BACKENDS)), "cold"),
]


async def test_the_page_console_and_bench_queries_answer_the_same(
    plan_gateway: GatewayClient, admins: dict[str, BackendAdmin], cast: Cast, clock: FakeClock
) -> None:
    runtime = plan_gateway.runtime
    operations = [*page_queries(cast), *console_queries(cast), *bench_queries(cast)]
    failed = []
    seen = Seen()
    for operation in operations:
        for outage, caches in OUTAGES:
            if caches == "expired":
                clock.advance(runtime.settings.balance_ttl + 1)
            cold = cast.read() if caches == "cold" else ()
            verdict = await trial(runtime, admins, operation, outage, cold=cold)
            seen.add(verdict)
            if verdict.differences:
                failed.append(str(verdict))
    assert failed == [], "\n\n".join(failed)
    # What the outages were there to make happen did happen, and was compared.
    assert seen.in_lists > 0, "errors inside lists"
    assert seen.root_nulled > 0, "a non-null field's null propagated to the root"
    assert seen.partial > len(operations), "partial answers with errors"
    assert seen.stale > 0, "a kept balance served stale"


async def test_the_page_actions_answer_the_same(
    plan_gateway: GatewayClient, admins: dict[str, BackendAdmin], cast: Cast
) -> None:
    runtime = plan_gateway.runtime
    failed = []
    operations = [*page_actions(cast), *session_actions(cast), *bench_actions(cast)]
    # A conversation for the chat's actions, started outside the comparison.
    msisdn = cast.fresh.take()
    started = await reference(
        runtime.schema._schema,
        graphql.parse(page_operations()["StartSupportConversation"]),
        {"msisdn": msisdn, "text": "The internet is slow", "idempotencyKey": key()},
        None,
        request_context(runtime, SubscriberPrincipal(msisdn), "diff-setup"),
    )
    assert started.errors is None, started.errors
    assert started.data is not None
    conversation = started.data["startSupportConversation"]["id"]
    operations += chat_actions(cast, conversation, msisdn)
    for index, operation in enumerate(operations):
        verdict = await trial(runtime, admins, operation, candidate_first=index % 2 == 1)
        if verdict.differences:
            failed.append(str(verdict))
    assert failed == [], "\n\n".join(failed)


def test_every_operation_of_the_page_and_the_console_is_compared(cast: Cast) -> None:
    # Read from the page's own files: an operation added there and not here fails this.
    compared = {
        operation.query
        for operation in [
            *page_queries(cast),
            *console_queries(cast),
            *page_actions(cast),
            *session_actions(cast),
            *chat_actions(cast, "PI-1", cast.own),
            *bench_queries(cast),
            *bench_actions(cast),
        ]
    }
    page = page_operations()
    console = console_operations()
    assert len(page) > 30
    assert {"PICTURE", "QUEUE", "AUDIT", "SEND", "ESCALATE"} <= set(console)
    # A subscription is answered as a stream of events, not by an executor of whole answers.
    assert {name for name, body in page.items() if body not in compared} == {"SupportMessages"}
    assert {name for name, body in console.items() if body not in compared} == set()
    assert [body for body in bench_documents() if body not in compared] == []
