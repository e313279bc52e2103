"""The operations of an HTTP request through every step, to their `Outcome`s.

One operation: admitted (read, shape limits, rate limits), validated, then answered from
a kept answer or executed. The queries of a batch that run together are admitted first,
all of them, and their rate limits counted in one store hit per limit (the same
operations refused as counting them one by one), then run concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import OperationType

from adapters import metrics
from adapters.metrics import operation_label
from adapters.scope import current_scope
from gateway import incremental
from gateway.edge import Edge
from gateway.errors import format_error
from gateway.persisted import learn
from gateway.pipeline.admission import (
    check_limits,
    count_rates,
    guard,
    read_operation,
    within_deadline,
)
from gateway.pipeline.execute import execute
from gateway.pipeline.kept import KeptAnswer, keeping
from gateway.pipeline.outcome import Outcome, refused
from gateway.refusal import RefusedError
from gateway.runtime import Runtime
from gateway.shape import Shape
from gateway.transport import OperationRequest
from resolvers.context import Context


@dataclass(frozen=True, slots=True)
class Admitted:
    """An operation past its limits: its text, shape and metrics label."""

    operation: OperationRequest
    query: str
    shape: Shape
    label: str


async def run_operation(
    runtime: Runtime,
    edge: Edge,
    context: Context,
    operation: OperationRequest,
    method: str,
) -> Outcome:
    """One operation, its rate limits counted on its own."""
    admitted = await admit(edge, context, operation, method)
    if isinstance(admitted, Outcome):
        return admitted
    try:
        await guard(runtime, edge, context, admitted.shape)
    except RefusedError as error:
        return refused(error, context.request_id, admitted.label)
    return await answer(runtime, edge, context, admitted)


async def run_together(
    runtime: Runtime,
    edge: Edge,
    context: Context,
    operations: Sequence[OperationRequest],
    method: str,
) -> list[Outcome]:
    """The queries of a batch: admitted, rate limits counted at once, run concurrently."""
    steps: list[Admitted | Outcome] = [await admit(edge, context, op, method) for op in operations]
    admitted = [step for step in steps if isinstance(step, Admitted)]
    within, refusal = (
        await count_rates(runtime, edge, context, len(admitted)) if admitted else (0, None)
    )
    over = {id(step) for step in admitted[within:]}

    async def finish(step: Admitted | Outcome) -> Outcome:
        if isinstance(step, Outcome):
            return step
        if id(step) in over and refusal is not None:
            return refused(refusal, context.request_id, step.label)
        return await answer(runtime, edge, context, step)

    return list(await asyncio.gather(*(finish(step) for step in steps)))


async def admit(
    edge: Edge, context: Context, operation: OperationRequest, method: str
) -> Admitted | Outcome:
    """The operation read and within its shape limits, or the refusal's Outcome."""
    label = operation_label(operation.operation_name)
    try:
        query, shape = await read_operation(edge, operation)
        label = operation_label(shape.name)
        if shape.operation is OperationType.SUBSCRIPTION:
            raise RefusedError("BAD_REQUEST", "subscriptions are not served over HTTP POST/GET")
        if method == "GET" and shape.operation is not OperationType.QUERY:
            # A GET must never change anything: browsers send GETs cross-site freely.
            raise RefusedError("METHOD_NOT_ALLOWED", "mutations must be POSTed", status=405)
        check_limits(edge, context, shape)
    except RefusedError as error:
        return refused(error, context.request_id, label)
    return Admitted(operation, query, shape, label)


async def answer(runtime: Runtime, edge: Edge, context: Context, admitted: Admitted) -> Outcome:
    """An admitted operation validated, then answered: kept answer or execution."""
    request_id = context.request_id
    operation, query, shape, label = (
        admitted.operation,
        admitted.query,
        admitted.shape,
        admitted.label,
    )
    try:
        invalid = edge.shapes.validate(query)
        within_deadline("executing")
    except RefusedError as error:
        return refused(error, request_id, label)
    if invalid:
        # What strawberry would answer; validated here so that only a valid document is
        # ever kept (gateway/documents.py) and execution finds it ready.
        metrics.REQUESTS.labels(label, "error").inc()
        errors = [format_error(e, request_id, executed=False) for e in invalid]
        return Outcome({"errors": errors}, ok=False, operation=label, executed=False)
    await learn(operation, edge.persisted, edge.allowlist_only)
    if incremental.asks_for_parts(query):
        # Never kept nor served from the kept answers: parts are not a whole answer.
        first, rest = await incremental.start(
            runtime.schema, query, operation.variables, context, operation.operation_name
        )
        ok = not first.get("errors")
        metrics.REQUESTS.labels(label, "ok" if ok else "error").inc()
        executed = "data" in first
        return Outcome(
            first,
            ok=ok,
            operation=label,
            shape=shape if executed else None,
            executed=executed,
            rest=rest,
        )
    kept = keeping(runtime, context, operation, query, shape)
    if kept is None:
        outcome, _ = await _execute(runtime, context, operation, query, shape, label)
        return _counted(outcome)
    found = await kept.answers.lookup(kept.msisdn, kept.key)
    if found.answer is not None and not found.refreshing:
        return _kept_answer(found.answer, label, shape)
    if not found.refreshing:
        metrics.ANSWERS.labels("miss").inc()
        outcome, _ = await _execute(
            runtime, context, operation, query, shape, label, kept, found.epoch
        )
        return _counted(outcome)
    # This request computes the answer again before it expires (adapters/cache/answers.py).
    metrics.REFRESHES.labels("answer", "started").inc()
    try:
        outcome, stored = await _execute(
            runtime, context, operation, query, shape, label, kept, found.epoch
        )
    finally:
        kept.answers.done(kept.msisdn, kept.key)
    if not stored and found.answer is not None:
        # Failed, or not to be kept (a stale balance): the kept answer is still within
        # its TTL, stays until it expires, and is this request's answer.
        metrics.REFRESHES.labels("answer", "failed").inc()
        return _kept_answer(found.answer, label, shape)
    metrics.REFRESHES.labels("answer", "ok").inc()
    return _counted(outcome)


def _kept_answer(answer: bytes, label: str, shape: Shape) -> Outcome:
    scope = current_scope()
    if scope is not None:
        scope.answers_kept += 1
    metrics.ANSWERS.labels("hit").inc()
    metrics.REQUESTS.labels(label, "ok").inc()
    return Outcome({}, operation=label, shape=shape, kept=answer)


def _counted(outcome: Outcome) -> Outcome:
    metrics.REQUESTS.labels(outcome.operation, "ok" if outcome.ok else "error").inc()
    return outcome


async def _execute(
    runtime: Runtime,
    context: Context,
    operation: OperationRequest,
    query: str,
    shape: Shape,
    label: str,
    kept: KeptAnswer | None = None,
    epoch: bytes = b"",
) -> tuple[Outcome, bool]:
    """The operation executed, and whether its answer was kept."""
    result = await execute(runtime, query, operation, context)
    executed = result.data is not None
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [format_error(e, context.request_id, executed) for e in result.errors]
    if executed or not result.errors:
        body["data"] = result.data
    scope = current_scope()
    keep = kept is not None and not result.errors and not (scope and scope.served_stale)
    if kept is not None and keep:
        await kept.answers.store(kept.msisdn, kept.key, epoch, orjson.dumps(body))
    ran = shape if executed else None
    outcome = Outcome(body, ok=not result.errors, operation=label, shape=ran, executed=executed)
    return outcome, keep
