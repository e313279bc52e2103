"""The GraphQL HTTP endpoint: JSON in, JSON out, one Context per request.

Written directly on starlette (rather than strawberry's view) so that the edge's concerns
read top to bottom in one place: read the operations (one, or a batch), resolve persisted
queries, measure each against the limits and the rate limits, and only then execute.
Nothing reaches a resolver -- and so a backend -- before it has passed all of that.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLSyntaxError, OperationType
from starlette.requests import Request
from starlette.responses import Response

from adapters.deadline import request_scope
from gateway.auth import InvalidTokenError, bearer_token
from gateway.edge import Edge
from gateway.errors import PARSE_FAILED, VALIDATION_FAILED, format_error
from gateway.limits import check_shape
from gateway.persisted import resolve_query
from gateway.rate_limits import count_operation
from gateway.refusal import RefusedError
from gateway.runtime import Runtime
from gateway.shape import OperationNotFoundError
from gateway.transport import JSON, OperationRequest, read_operations
from resolvers.context import Context, Limits
from resolvers.loaders import Loaders

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@dataclass(slots=True)
class Outcome:
    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] | None = None
    ok: bool = True


def request_id_of(request: Request) -> str:
    # A caller's id is kept (so traces join up) when it looks like one; otherwise ours.
    given = request.headers.get("x-request-id", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def client_address(request: Request, trusted_proxies: int) -> str:
    """The client's address for per-client limits. Behind N trusted proxies it is the
    N-th entry from the right of X-Forwarded-For (what the outermost proxy saw); entries
    further left are the client's own claim and not trusted."""
    peer = request.client.host if request.client else "unknown"
    if trusted_proxies <= 0:
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    return hops[-trusted_proxies] if len(hops) >= trusted_proxies else peer


def build_context(runtime: Runtime, request: Request, request_id: str) -> Context:
    ports = runtime.ports
    context = Context(
        ports=ports,
        loaders=Loaders.build(ports, runtime.settings.max_batch_load),
        clock=runtime.clock,
        request_id=request_id,
        limits=Limits(max_subscribers_per_query=runtime.settings.max_subscribers_per_query),
        rules=runtime.rules,
        client_address=client_address(request, runtime.settings.trusted_proxies),
    )
    token = bearer_token(request.headers.get("authorization"))
    if token is not None:
        try:
            context.principal = runtime.tokens.verify(token)
        except InvalidTokenError as exc:
            context.auth_problem = str(exc)
    return context


def refused(error: RefusedError, request_id: str) -> Outcome:
    return Outcome({"errors": [error.as_error(request_id)]}, error.status, error.headers, False)


async def run_operation(
    runtime: Runtime,
    edge: Edge,
    context: Context,
    operation: OperationRequest,
    method: str,
) -> Outcome:
    request_id = context.request_id
    try:
        query = await resolve_query(operation, edge.persisted, edge.allowlist_only)
        try:
            shape = edge.shapes.read(query, operation.operation_name, operation.variables)
        except GraphQLSyntaxError as exc:
            code = "TOO_MANY_TOKENS" if "tokens" in exc.message else PARSE_FAILED
            raise RefusedError(code, exc.message) from exc
        except OperationNotFoundError as exc:
            raise RefusedError(VALIDATION_FAILED, str(exc)) from exc
        if shape.operation is OperationType.SUBSCRIPTION:
            raise RefusedError("BAD_REQUEST", "subscriptions are not served over HTTP POST/GET")
        if method == "GET" and shape.operation is not OperationType.QUERY:
            # A GET must never change anything: browsers send GETs cross-site freely.
            raise RefusedError("METHOD_NOT_ALLOWED", "mutations must be POSTed", status=405)
        check_shape(shape, edge.limits, request_id)
        await count_operation(
            runtime.ports.security,
            edge.rates,
            context.principal,
            context.client_address,
            runtime.clock.now().timestamp(),
        )
    except RefusedError as error:
        return refused(error, request_id)
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
    return Outcome(body, ok=not result.errors)


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
    edge: Edge = request.app.state.edge
    request_id = request_id_of(request)
    try:
        operations, is_batch = await read_operations(request, edge.max_body_bytes, edge.max_batch)
    except RefusedError as error:
        return _respond(refused(error, request_id).body, error.status, request_id, error.headers)
    # One Context for the whole batch: its loaders (and the cache) are shared, so the same
    # read in ten operations of a screen is one backend call.
    context = build_context(runtime, request, request_id)
    settings = runtime.settings
    with request_scope(settings.request_deadline, settings.retry_budget):
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
    headers = cache_headers(request, edge, outcomes)
    if is_batch:
        return _respond([o.body for o in outcomes], 200, request_id, headers)
    outcome = outcomes[0]
    return _respond(
        outcome.body, outcome.status, request_id, {**headers, **(outcome.headers or {})}
    )


def _respond(body: Any, status: int, request_id: str, headers: dict[str, str]) -> Response:
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type=JSON,
        headers={"x-request-id": request_id, **headers},
    )
