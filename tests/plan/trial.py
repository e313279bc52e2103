"""One trial of the differential test: an operation, run by the reference and by the
candidate on the same state, under the same outage, and their answers compared.

A query is run once more before the two compared runs, by the reference, its answer
thrown away: it fills the read caches the way any earlier request would, so that neither
compared run is the one that found them cold (a first read and a cached read of the same
record must answer the same, but that is the caches' property, tested in tests/api/, not
the executor's). A mutation is run once by each executor, the second a replay under the
same idempotency key, as a client's retry would be; which one goes first is the caller's
choice (the generated trials draw it).

A document asking for parts (the page's home screen defers its expenses and offers) is
compared whole, its @defer/@stream taken out: the pipeline sends parts to
gateway/incremental.py, not to an executor of whole answers, and the whole answer is what
the parts add up to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import graphql

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
) -> Verdict:
    schema = runtime.schema._schema
    document = whole(graphql.parse(operation.query))
    invalid = graphql.validate(schema, document)
    assert invalid == [], (operation.name, invalid)
    idempotency_key = key()

    async def run(executor: Executor) -> graphql.ExecutionResult:
        context = request_context(runtime, operation.principal, REQUEST_ID)
        context.idempotency_key = idempotency_key
        return await executor(
            schema, document, operation.variables, operation.operation_name, context
        )

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
