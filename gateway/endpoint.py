"""The GraphQL HTTP endpoint: JSON in, JSON out, one Context per request.

Written directly on starlette (rather than strawberry's view) so that the edge's concerns
read top to bottom in one place: read the operations (one, or a batch), resolve persisted
queries, measure each against the limits and the rate limits, and only then execute.
Nothing reaches a resolver -- and so a backend -- before it has passed all of that.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLSyntaxError, OperationType
from opentelemetry.propagate import extract
from opentelemetry.trace import SpanKind
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response, StreamingResponse

from adapters import metrics
from adapters.cache.answers import AnswerCache
from adapters.metrics import operation_label
from adapters.scope import current_scope, request_scope, trace_id_from
from gateway import incremental
from gateway.answers import answer_key, may_keep
from gateway.auth import InvalidTokenError, bearer_token
from gateway.edge import Edge
from gateway.errors import PARSE_FAILED, VALIDATION_FAILED, format_error
from gateway.limits import check_shape
from gateway.logs import log_request
from gateway.media import Media, negotiate, status_for
from gateway.persisted import resolve_query
from gateway.rate_limits import count_operation
from gateway.refusal import RefusedError
from gateway.runtime import Runtime
from gateway.shape import OperationNotFoundError, Shape
from gateway.transport import OperationRequest, read_operations
from resolvers.context import Context, Limits
from resolvers.loaders import Loaders
from resolvers.principals import SubscriberPrincipal

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@dataclass(slots=True)
class Outcome:
    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] | None = None
    ok: bool = True
    operation: str = "anonymous"
    executed: bool = True  # False when refused, or stopped by parse/validation/variables
    # An answer in parts (gateway/incremental.py): `body` is its first frame.
    rest: AsyncGenerator[dict[str, Any], None] | None = None

    def codes(self) -> list[str]:
        return [e["extensions"]["code"] for e in self.body.get("errors", [])]


def request_id_of(request: HTTPConnection) -> str:
    # A caller's id is kept (so traces join up) when it looks like one; otherwise ours.
    given = request.headers.get("x-request-id", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def client_address(request: HTTPConnection, trusted_proxies: int) -> str:
    """The client's address for per-client limits. Behind N trusted proxies it is the
    N-th entry from the right of X-Forwarded-For (what the outermost proxy saw); entries
    further left are the client's own claim and not trusted."""
    peer = request.client.host if request.client else "unknown"
    if trusted_proxies <= 0:
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    return hops[-trusted_proxies] if len(hops) >= trusted_proxies else peer


def build_context(runtime: Runtime, request: HTTPConnection, request_id: str) -> Context:
    ports = runtime.ports
    context = Context(
        ports=ports,
        loaders=Loaders.build(ports, runtime.settings.max_batch_load),
        clock=runtime.clock,
        request_id=request_id,
        limits=Limits(max_subscribers_per_query=runtime.settings.max_subscribers_per_query),
        rules=runtime.rules,
        action_rules=runtime.action_rules,
        client_address=client_address(request, runtime.settings.trusted_proxies),
        idempotency_key=request.headers.get("idempotency-key"),
    )
    token = bearer_token(request.headers.get("authorization"))
    if token is not None:
        try:
            context.principal = runtime.tokens.verify(token)
        except InvalidTokenError as exc:
            context.auth_problem = str(exc)
    return context


def refused(error: RefusedError, request_id: str, operation: str = "anonymous") -> Outcome:
    metrics.REFUSALS.labels(error.code).inc()
    metrics.REQUESTS.labels(operation, "refused").inc()
    body = {"errors": [error.as_error(request_id)]}
    return Outcome(body, error.status, error.headers, False, operation, executed=False)


async def run_operation(
    runtime: Runtime,
    edge: Edge,
    context: Context,
    operation: OperationRequest,
    method: str,
) -> Outcome:
    request_id = context.request_id
    label = operation_label(operation.operation_name)
    try:
        query = await resolve_query(operation, edge.persisted, edge.allowlist_only)
        try:
            shape = edge.shapes.read(query, operation.operation_name, operation.variables)
        except GraphQLSyntaxError as exc:
            code = "TOO_MANY_TOKENS" if "tokens" in exc.message else PARSE_FAILED
            raise RefusedError(code, exc.message) from exc
        except OperationNotFoundError as exc:
            raise RefusedError(VALIDATION_FAILED, str(exc)) from exc
        label = operation_label(shape.name)
        if shape.operation is OperationType.SUBSCRIPTION:
            raise RefusedError("BAD_REQUEST", "subscriptions are not served over HTTP POST/GET")
        if method == "GET" and shape.operation is not OperationType.QUERY:
            # A GET must never change anything: browsers send GETs cross-site freely.
            raise RefusedError("METHOD_NOT_ALLOWED", "mutations must be POSTed", status=405)
        await guard(runtime, edge, context, shape)
    except RefusedError as error:
        return refused(error, request_id, label)
    if incremental.asks_for_parts(query):
        # Never kept nor served from the kept answers: parts are not a whole answer.
        first, rest = await incremental.start(
            runtime.schema, query, operation.variables, context, operation.operation_name
        )
        ok = not first.get("errors")
        metrics.REQUESTS.labels(label, "ok" if ok else "error").inc()
        return Outcome(first, ok=ok, operation=label, executed="data" in first, rest=rest)
    kept = _keeping(runtime, context, operation, query, shape)
    epoch = b""
    if kept is not None:
        answers, msisdn, key = kept
        answer, epoch = await answers.lookup(msisdn, key)
        if answer is not None:
            scope = current_scope()
            if scope is not None:
                scope.answers_kept += 1
            metrics.ANSWERS.labels("hit").inc()
            metrics.REQUESTS.labels(label, "ok").inc()
            return Outcome(orjson.loads(answer), operation=label)
        metrics.ANSWERS.labels("miss").inc()
    result = await runtime.schema.execute(
        query,
        variable_values=operation.variables,
        context_value=context,
        operation_name=operation.operation_name,
    )
    executed = result.data is not None
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [format_error(e, request_id, executed) for e in result.errors]
    if executed or not result.errors:
        body["data"] = result.data
    metrics.REQUESTS.labels(label, "error" if result.errors else "ok").inc()
    scope = current_scope()
    if kept is not None and not result.errors and not (scope and scope.served_stale):
        answers, msisdn, key = kept
        await answers.store(msisdn, key, epoch, orjson.dumps(body))
    return Outcome(body, ok=not result.errors, operation=label, executed=executed)


def _keeping(
    runtime: Runtime, context: Context, operation: OperationRequest, query: str, shape: Shape
) -> tuple[AnswerCache, str, str] | None:
    """Where this operation's whole answer may be kept (gateway/answers.py), if anywhere."""
    answers = runtime.ports.answers
    principal = context.principal
    if (
        answers is None
        or not isinstance(principal, SubscriberPrincipal)
        or operation.variables
        or not may_keep(shape)
    ):
        return None
    return answers, principal.msisdn, answer_key(query, operation.operation_name)


async def guard(runtime: Runtime, edge: Edge, context: Context, shape: Shape) -> None:
    """The limits on an operation's shape, then the rate limits: a RefusedError or nothing."""
    check_shape(shape, edge.limits, context.request_id)
    await count_operation(
        runtime.ports.security,
        edge.rates,
        context.principal,
        context.client_address,
        runtime.clock.now().timestamp(),
    )


def _all_queries(operations: list[OperationRequest]) -> bool:
    return all(
        op.query is not None and not op.query.lstrip().startswith("mutation") for op in operations
    )


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
    runtime: Runtime = request.app.state.runtime
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
    edge: Edge = request.app.state.edge
    fields: dict[str, Any] = {"method": request.method, "trace_id": trace_id}
    media = negotiate(request.headers.get("accept"))
    try:
        operations, is_batch = await read_operations(request, edge.max_body_bytes, edge.max_batch)
    except RefusedError as error:
        metrics.REFUSALS.labels(error.code).inc()
        fields["error_codes"] = [error.code]
        body = refused(error, request_id).body
        status = status_for(media, error.status, executed=False)
        return _respond(body, status, request_id, error.headers, media), fields
    # One Context for the whole batch: its loaders (and the cache) are shared, so the same
    # read in ten operations of a screen is one backend call.
    context = build_context(runtime, request, request_id)
    settings = runtime.settings
    with request_scope(
        settings.request_deadline, settings.retry_budget, request_id, trace_id
    ) as scope:
        fields["trace_id"] = scope.trace_id
        if is_batch and _all_queries(operations):
            outcomes = list(
                await asyncio.gather(
                    *(
                        run_operation(runtime, edge, context, op, request.method)
                        for op in operations
                    )
                )
            )
        else:
            # Mutations run one after another, in the order sent.
            outcomes = [
                await run_operation(runtime, edge, context, op, request.method) for op in operations
            ]
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
        return _respond([o.body for o in outcomes], 200, request_id, headers, media), fields
    extra = {**headers, **(outcome.headers or {})}
    status = status_for(media, outcome.status, outcome.executed)
    return _respond(outcome.body, status, request_id, extra, media), fields


def _respond(
    body: Any, status: int, request_id: str, headers: dict[str, str], media: Media
) -> Response:
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type=media.content_type,
        headers={"x-request-id": request_id, **headers},
    )
