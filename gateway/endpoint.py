"""The GraphQL HTTP endpoint: JSON in, JSON out, one Context per request.

Written directly on starlette (rather than strawberry's view) so that the edge's concerns
-- request ids, error codes, status codes, and later limits and batching -- live in one
place that reads top to bottom.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from adapters.deadline import request_scope
from gateway.auth import InvalidTokenError, bearer_token
from gateway.errors import format_error, request_error
from gateway.runtime import Runtime
from resolvers.context import Context, Limits
from resolvers.loaders import Loaders

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
JSON = "application/json"


@dataclass(frozen=True, slots=True)
class Operation:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


class BadRequestError(Exception):
    pass


def request_id_of(request: Request) -> str:
    # A caller's id is kept (so traces join up) when it looks like one; otherwise ours.
    given = request.headers.get("x-request-id", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def parse_operation(data: Any) -> Operation:
    if not isinstance(data, dict):
        raise BadRequestError("the body must be a JSON object with a `query`")
    query = data.get("query")
    if not isinstance(query, str) or not query.strip():
        raise BadRequestError("`query` must be a non-empty string")
    variables = data.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequestError("`variables` must be an object")
    name = data.get("operationName")
    if name is not None and not isinstance(name, str):
        raise BadRequestError("`operationName` must be a string")
    return Operation(query, variables, name)


async def read_operation(request: Request) -> Operation:
    if request.method == "GET":
        params = request.query_params
        variables = params.get("variables")
        try:
            decoded = orjson.loads(variables) if variables else None
        except orjson.JSONDecodeError as exc:
            raise BadRequestError("`variables` is not valid JSON") from exc
        return parse_operation(
            {
                "query": params.get("query"),
                "variables": decoded,
                "operationName": params.get("operationName"),
            }
        )
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != JSON:
        raise BadRequestError("send the operation as application/json")
    try:
        data = orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        raise BadRequestError("the body is not valid JSON") from exc
    return parse_operation(data)


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


def json_response(body: Any, request_id: str, status: int = 200) -> Response:
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type=JSON,
        headers={"x-request-id": request_id, "cache-control": "no-store"},
    )


async def graphql(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    request_id = request_id_of(request)
    try:
        operation = await read_operation(request)
    except BadRequestError as exc:
        return json_response(request_error(str(exc), request_id), request_id, status=400)
    context = build_context(runtime, request, request_id)
    settings = runtime.settings
    with request_scope(settings.request_deadline, settings.retry_budget):
        result = await runtime.schema.execute(
            operation.query,
            variable_values=operation.variables,
            context_value=context,
            operation_name=operation.operation_name,
            allowed_operation_types=None,
        )
    executed = result.data is not None
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [format_error(e, request_id, executed) for e in result.errors]
    if executed or not result.errors:
        body["data"] = result.data
    return json_response(body, request_id)
