"""One trial of the differential test: an operation, run by the reference and by the
candidate on the same state, under the same outage, and their answers compared.

A query is run once more before the two compared runs, by the reference, its answer
thrown away: it fills the read caches the way any earlier request would, so that neither
compared run is the one that found them cold (a first read and a cached read of the same
record must answer the same, but that is the caches' property, tested in tests/api/, not
the executor's). A mutation is run once by each executor, the second a replay under the
same idempotency key, as a client's retry would be; which one goes first is the caller's
choice (the generated trials draw it).

Each run ends when the tasks it started have ended (`_settled`), so nothing of one run
reaches into the next.

A document asking for parts (the page's home screen defers its expenses and offers) is
compared whole, its @defer/@stream taken out: the pipeline sends parts to
gateway/incremental.py, not to an executor of whole answers, and the whole answer is what
the parts add up to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import graphql
import orjson

from gateway.runtime import Runtime
from tests.harness.backends import BackendAdmin
from tests.plan.comparison import Answer, differences
from tests.plan.executors import Executor, candidate, reference, request_context
from tests.plan.faults import NONE, Outage
from tests.plan.operations import Operation, key

REQUEST_ID = "diff-trial-request"


@dataclass(frozen=True, slots=True)
class Verdict:
    operation: Operation
    outage: Outage
    reference: Answer
    candidate: Answer
    differences: tuple[str, ...]

    def __str__(self) -> str:
        said = "\n".join(self.differences) or "the same"
        return (
            f"{self.operation.name} (outage: {self.outage}, as {self.operation.principal})\n"
            f"{self.operation.query}\nvariables: {self.operation.variables}\n{said}"
        )


# Longer than any run's leftovers take (backend calls to loopback simulators, Redis).
SETTLE_SECONDS = 10.0


async def _settled(before: set[asyncio.Task[Any]]) -> None:
    """Wait for the tasks a run started and left running: graphql-core answers as soon as
    the answer is decided, and a field whose sibling's error nulled their parent may still
    be loading (its dataloader batch, a single-flight cache read). Left running, it would
    fill or read the caches during the next run, and the two executors would not start
    from the same state. Until none is left: a leftover may start tasks of its own."""
    deadline = asyncio.get_running_loop().time() + SETTLE_SECONDS
    while left := {task for task in asyncio.all_tasks() - before if not task.done()}:
        timeout = deadline - asyncio.get_running_loop().time()
        _, pending = await asyncio.wait(left, timeout=max(timeout, 0))
        assert not pending, [task.get_coro() for task in pending]


class _WithoutParts(graphql.Visitor):
    def enter_directive(self, node: graphql.DirectiveNode, *_: object) -> object:
        return graphql.REMOVE if node.name.value in {"defer", "stream"} else None


def whole(document: graphql.DocumentNode) -> graphql.DocumentNode:
    """The document without @defer/@stream: the same selections, answered at once."""
    stripped = graphql.visit(document, _WithoutParts())
    assert isinstance(stripped, graphql.DocumentNode)
    return stripped


async def trial(
    runtime: Runtime,
    admins: Mapping[str, BackendAdmin],
    operation: Operation,
    outage: Outage = NONE,
    *,
    candidate_first: bool = False,
    against: Executor = candidate,
    cold: Sequence[str] = (),
) -> Verdict:
    """`cold`: numbers whose cached reads are dropped first, so that an outage fails their
    reads instead of leaving them to the caches (a kept balance is served stale when
    billing fails: the trials that keep the caches warm compare that path)."""
    schema = runtime.schema._schema
    document = whole(graphql.parse(operation.query))
    invalid = graphql.validate(schema, document)
    assert invalid == [], (operation.name, invalid)
    idempotency_key = key()

    runs = 0

    async def run(executor: Executor) -> graphql.ExecutionResult:
        nonlocal runs
        runs += 1
        context = request_context(runtime, operation.principal, REQUEST_ID)
        context.idempotency_key = idempotency_key
        variables = operation.variables
        if runs > 1 and operation.twin is not None:
            variables = operation.twin
        before = asyncio.all_tasks()
        result = await executor(schema, document, variables, operation.operation_name, context)
        await _settled(before)
        return result

    if cold:
        await runtime.forget(cold)
    await outage.apply(admins)
    try:
        if not operation.changes:
            await run(reference)
        if candidate_first:
            theirs = await run(against)
            ours = await run(reference)
        else:
            ours = await run(reference)
            theirs = await run(against)
    finally:
        await outage.clear(admins)
    first = Answer.of(ours, REQUEST_ID, operation.volatile)
    second = Answer.of(theirs, REQUEST_ID, operation.volatile)
    return Verdict(operation, outage, first, second, tuple(differences(first, second)))


class Seen:
    """What a run of trials exercised, so a test can tell its comparisons compared
    something: the outages' failures are asserted to have happened, not assumed."""

    def __init__(self) -> None:
        self.trials = 0
        self.with_errors = 0
        self.partial = 0  # some data and some errors
        self.in_lists = 0  # an error whose path goes through a list
        self.root_nulled = 0  # executed, and a non-null root field's error nulled it all
        self.stale = 0  # a balance served stale

    def add(self, verdict: Verdict) -> None:
        self.trials += 1
        answer = verdict.reference
        self.stale += '"stale":true' in answer.data
        if not answer.errors:
            return
        self.with_errors += 1
        paths = [orjson.loads(error)["raw"]["path"] for error in answer.errors]
        self.partial += answer.data != "null"
        self.in_lists += any(isinstance(step, int) for path in paths if path for step in path)
        # Variables that did not coerce also leave data null, but with no path.
        self.root_nulled += answer.data == "null" and any(paths)
