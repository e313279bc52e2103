"""Same answers, proven on operations generated from the schema (tests/plan/generator.py):
queries under outages drawn per example (tests/plan/faults.py), and a safe subset of
actions, each on a fresh number.

The faults are deterministic per trial, random per example: hypothesis draws which
backends fail and how (down, or a 500 on every call), and a failing backend fails every
call of both executors alike. Not the simulators' per-call random `error_rate`, not a
per-number fault: both would hit one executor's calls and not the other's as soon as the
two batch their reads differently, and the answers would differ by chance
(tests/plan/faults.py). The caches are drawn too: cold (an outage fails the reads), warm,
or expired (a failing billing serves the kept balance stale).

Hypothesis runs in a worker thread and hands each trial to the test's event loop (where
the gateway's clients live), so a failing example is shrunk against the real property and
reported as the smallest document that answers differently. The profile is fixed for
`make test`: derandomized, bounded, no deadline, no example database written into the
repository.
"""

from __future__ import annotations

import asyncio
from typing import Any

import graphql
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.principals import Principal, SubscriberPrincipal
from tests.harness.backends import BackendAdmin
from tests.harness.clock import FakeClock
from tests.harness.gateway import GatewayClient
from tests.plan.generator import FRESH, NEW_KEY, Generated, Numbers, mutations, queries
from tests.plan.operations import AGENT, SUPERVISOR_AGENT, Cast, Operation, key
from tests.plan.trial import Seen, Verdict, trial

QUERY_EXAMPLES = 400
MUTATION_EXAMPLES = 80
# One trial's three runs against loopback simulators take milliseconds; this bounds a hang.
TRIAL_TIMEOUT = 60.0

PROFILE = settings(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _operation(generated: Generated, cast: Cast) -> Operation:
    fresh = cast.fresh.take() if generated.changes else None
    variables: dict[str, Any] = {}
    for name, value in generated.variables.items():
        variables[name] = fresh if value == FRESH else key() if value == NEW_KEY else value
    callers: dict[str, Principal | None] = {
        "own": SubscriberPrincipal(cast.own),
        "agent": AGENT,
        "supervisor": SUPERVISOR_AGENT,
        "anonymous": None,
        "fresh": SubscriberPrincipal(fresh) if fresh else None,
    }
    return Operation(
        "generated",
        generated.query,
        variables,
        callers[generated.caller],
        generated.operation_name,
        changes=generated.changes,
    )


def _run(
    loop: asyncio.AbstractEventLoop,
    gateway: GatewayClient,
    admins: dict[str, BackendAdmin],
    cast: Cast,
    generated: Generated,
    candidate_first: bool = False,
) -> Verdict:
    runtime = gateway.runtime
    operation = _operation(generated, cast)
    document = graphql.parse(operation.query)
    assert graphql.validate(runtime.schema._schema, document) == [], operation.query

    async def run() -> Verdict:
        if generated.caches == "expired":
            clock = runtime.clock
            assert isinstance(clock, FakeClock)
            clock.advance(runtime.settings.balance_ttl + 1)
        cold = cast.read() if generated.caches == "cold" else ()
        return await trial(
            runtime,
            admins,
            operation,
            generated.outage,
            candidate_first=candidate_first,
            cold=cold,
        )

    # Run on the test's loop, where the gateway's clients live; this thread waits.
    return asyncio.run_coroutine_threadsafe(run(), loop).result(timeout=TRIAL_TIMEOUT)


async def test_generated_queries_answer_the_same(
    plan_gateway: GatewayClient, admins: dict[str, BackendAdmin], cast: Cast
) -> None:
    loop = asyncio.get_running_loop()
    runtime = plan_gateway.runtime
    schema = runtime.schema._schema
    numbers = Numbers(cast.own, cast.linked, cast.stranger, cast.unknown, cast.now)
    seen = Seen()

    @settings(PROFILE, max_examples=QUERY_EXAMPLES)
    @given(queries(schema, numbers))
    def same_answers(generated: Generated) -> None:
        verdict = _run(loop, plan_gateway, admins, cast, generated)
        seen.add(verdict)
        assert not verdict.differences, str(verdict)

    await asyncio.to_thread(same_answers)
    assert seen.trials >= QUERY_EXAMPLES
    # What the outages and refusals were drawn to make happen did happen, and was compared.
    assert seen.with_errors > QUERY_EXAMPLES // 5
    assert seen.partial > 0, "partial answers with errors"
    assert seen.in_lists > 0, "errors inside lists"
    assert seen.root_nulled > 0, "a non-null field's null propagated to the root"


async def test_generated_actions_answer_the_same(
    plan_gateway: GatewayClient, admins: dict[str, BackendAdmin], cast: Cast
) -> None:
    loop = asyncio.get_running_loop()
    runtime = plan_gateway.runtime
    schema = runtime.schema._schema
    numbers = Numbers(cast.own, cast.linked, cast.stranger, cast.unknown, cast.now)
    seen = Seen()

    @settings(PROFILE, max_examples=MUTATION_EXAMPLES)
    @given(mutations(schema, numbers), st.booleans())
    def same_answers(generated: Generated, candidate_first: bool) -> None:
        verdict = _run(loop, plan_gateway, admins, cast, generated, candidate_first)
        seen.add(verdict)
        assert not verdict.differences, str(verdict)

    await asyncio.to_thread(same_answers)
    assert seen.trials >= MUTATION_EXAMPLES
