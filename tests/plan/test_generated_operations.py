"""Same answers, proven on operations generated from the schema (tests/plan/generator.py):
queries under outages drawn per example (tests/plan/faults.py), and a safe subset of
actions, each on a fresh number.

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
from gateway.runtime import Runtime
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient
from tests.plan.generator import FRESH, NEW_KEY, Generated, Numbers, mutations, queries
from tests.plan.operations import AGENT, SUPERVISOR_AGENT, Cast, Operation, key
from tests.plan.trial import Verdict, trial

QUERY_EXAMPLES = 150
MUTATION_EXAMPLES = 40
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


class _Seen:
    """What the examples exercised, so the test can tell it compared something."""

    def __init__(self) -> None:
        self.trials = 0
        self.with_errors = 0
        self.partial = 0  # data and errors both

    def add(self, verdict: Verdict) -> None:
        self.trials += 1
        if verdict.reference.errors:
            self.with_errors += 1
            if verdict.reference.data not in {"null"}:
                self.partial += 1


def _run(
    loop: asyncio.AbstractEventLoop,
    runtime: Runtime,
    admins: dict[str, BackendAdmin],
    operation: Operation,
    generated: Generated,
    candidate_first: bool,
) -> Verdict:
    document = graphql.parse(operation.query)
    assert graphql.validate(runtime.schema._schema, document) == [], operation.query
    pending = asyncio.run_coroutine_threadsafe(
        trial(runtime, admins, operation, generated.outage, candidate_first=candidate_first),
        loop,
    )
    return pending.result(timeout=TRIAL_TIMEOUT)


async def test_generated_queries_answer_the_same(
    plan_gateway: GatewayClient, admins: dict[str, BackendAdmin], cast: Cast
) -> None:
    loop = asyncio.get_running_loop()
    runtime = plan_gateway.runtime
    schema = runtime.schema._schema
    numbers = Numbers(cast.own, cast.linked, cast.stranger, cast.unknown, cast.now)
    seen = _Seen()

    @settings(PROFILE, max_examples=QUERY_EXAMPLES)
    @given(queries(schema, numbers))
    def same_answers(generated: Generated) -> None:
        verdict = _run(loop, runtime, admins, _operation(generated, cast), generated, False)
        seen.add(verdict)
        assert not verdict.differences, str(verdict)

    await asyncio.to_thread(same_answers)
    assert seen.trials >= QUERY_EXAMPLES
    # Outages and refusals did happen, and answers in part with them.
    assert seen.with_errors > QUERY_EXAMPLES // 5
    assert seen.partial > 0


async def test_generated_actions_answer_the_same(
    plan_gateway: GatewayClient, admins: dict[str, BackendAdmin], cast: Cast
) -> None:
    loop = asyncio.get_running_loop()
    runtime = plan_gateway.runtime
    schema = runtime.schema._schema
    numbers = Numbers(cast.own, cast.linked, cast.stranger, cast.unknown, cast.now)
    seen = _Seen()

    @settings(PROFILE, max_examples=MUTATION_EXAMPLES)
    @given(mutations(schema, numbers), st.booleans())
    def same_answers(generated: Generated, candidate_first: bool) -> None:
        operation = _operation(generated, cast)
        verdict = _run(loop, runtime, admins, operation, generated, candidate_first)
        seen.add(verdict)
        assert not verdict.differences, str(verdict)

    await asyncio.to_thread(same_answers)
    assert seen.trials >= MUTATION_EXAMPLES
