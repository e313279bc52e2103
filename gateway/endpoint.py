"""The GraphQL HTTP transport: JSON in, JSON out, one Context per request.

Written directly on starlette (rather than strawberry's view): read the operations (one,
or a batch), run each through the operation pipeline (gateway/pipeline/: persisted
queries, the document, the limits and rate limits, and only then execution), and render
the outcomes with their caching headers. Nothing reaches a resolver -- and so a backend --
before it has passed all of that.
"""

from __future__ import annotations

import time
from typing import Any

import orjson
from opentelemetry.propagate import extract
from opentelemetry.trace import SpanKind
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from adapters import metrics
from adapters.scope import request_scope, trace_id_from
from gateway import incremental
from gateway.caller import build_context, request_id_of
from gateway.edge import Edge
from gateway.lifespan import running
from gateway.logs import log_request
from gateway.media import Media, negotiate, status_for
from gateway.pipeline.batch import all_queries
from gateway.pipeline.outcome import Outcome, refused
from gateway.pipeline.run import run_operation, run_together
from gateway.refusal import RefusedError
from gateway.runtime import Runtime
from gateway.transport import read_operations


def cache_headers(request: Request, edge: Edge, outcomes: list[Outcome]) -> dict[str, str]:
    """Only an anonymous GET that fully succeeded may be kept by shared caches (it holds
    nothing but public catalogs); everything else is one principal's and is never stored."""
    anonymous = "authorization" not in request.headers
    if request.method == "GET" and anonymous and all(o.ok for o in outcomes):
        control = f"public, max-age={edge.public_cache_seconds}"
    elif request.method == "GET":
        control = "private, no-store"
    else:
        control = "no-store"
    return {"cache-control": control, "vary": "Authorization"}


async def graphql(request: Request) -> Response:
    runtime = running(request.app).runtime
    started = time.perf_counter()
    request_id = request_id_of(request)
    trace_id = trace_id_from(request.headers.get("traceparent"))
    tracer = runtime.telemetry.tracer
    if tracer is None:
        response, log_fields = await _serve(request, runtime, request_id, trace_id)
    else:
        with tracer.start_as_current_span(
            "POST /graphql", kind=SpanKind.SERVER, context=extract(dict(request.headers))
        ) as span:
            span_trace = format(span.get_span_context().trace_id, "032x")
            response, log_fields = await _serve(request, runtime, request_id, span_trace)
            span.set_attribute("http.response.status_code", response.status_code)
    elapsed = time.perf_counter() - started
    metrics.REQUEST_SECONDS.observe(elapsed)
    if runtime.settings.access_log:
        log_request(
            request_id=request_id,
            status=response.status_code,
            duration_ms=round(elapsed * 1000, 2),
            **log_fields,
        )
    return response


async def _serve(
    request: Request, runtime: Runtime, request_id: str, trace_id: str | None
) -> tuple[Response, dict[str, Any]]:
    edge = running(request.app).edge
    fields: dict[str, Any] = {"method": request.method, "trace_id": trace_id}
    media = negotiate(request.headers.get("accept"))
    try:
        operations, is_batch = await read_operations(request, edge.body, edge.max_batch)
    except RefusedError as error:
        fields["error_codes"] = [error.code]
        # refused() counts it: once, like every other refusal.
        body = refused(error, request_id).body
        status = status_for(media, error.status, executed=False)
        return _respond(body, status, request_id, error.headers, media), fields
    # One Context for the whole batch: its loaders (and the cache) are shared, so the same
    # read in ten operations of a screen is one backend call.
    context = await build_context(runtime, request, request_id)
    settings = runtime.settings
    with request_scope(
        settings.request_deadline, settings.retry_budget, request_id, trace_id
    ) as scope:
        fields["trace_id"] = scope.trace_id
        if is_batch and all_queries(edge.shapes, operations):
            outcomes = await run_together(runtime, edge, context, operations, request.method)
        else:
            # Mutations run one after another, in the order sent.
            outcomes = [
                await run_operation(runtime, edge, context, op, request.method) for op in operations
            ]
    runtime.usage.record(request.headers, [o.shape for o in outcomes])
    fields.update(
        operations=[o.operation for o in outcomes],
        principal=context.principal.kind if context.principal else None,
        backend_calls=scope.backend_calls,
        cache_hits=scope.cache_hits,
        cache_misses=scope.cache_misses,
        answers_kept=scope.answers_kept,
        error_codes=sorted({c for o in outcomes for c in o.codes()}),
    )
    headers = cache_headers(request, edge, outcomes)
    outcome = outcomes[0]
    parts = media.parts
    if not is_batch and outcome.rest is not None and parts and incremental.in_parts(outcome.body):
        written = incremental.written(outcome.body, outcome.rest, parts)
        sent = {"x-request-id": request_id, **headers}
        content_type = incremental.content_type(parts)
        return StreamingResponse(written, media_type=content_type, headers=sent), fields
    for each in outcomes:
        if each.rest is not None:
            # A client that takes no parts gets the whole answer, its parts merged.
            each.body = await incremental.whole(each.body, each.rest)
    if is_batch:
        return _respond([o.rendered() for o in outcomes], 200, request_id, headers, media), fields
    extra = {**headers, **(outcome.headers or {})}
    status = status_for(media, outcome.status, outcome.executed)
    return _respond(outcome.rendered(), status, request_id, extra, media), fields


def _respond(
    body: Any, status: int, request_id: str, headers: dict[str, str], media: Media
) -> Response:
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type=media.content_type,
        headers={"x-request-id": request_id, **headers},
    )
