"""Live updates: GraphQL subscriptions over WebSocket (graphql-transport-ws, and the older
graphql-ws) and over server-sent events.

WebSocket: the token comes in `connection_init` (`{"authorization": "Bearer <jwt>"}`); no
valid token, or too many connections for the principal, closes with 4403. Each
operation passes the edge's checks first (the persisted-query allow-list, the shape
limits, the rate limits; `admit`) and each subscription is authorized per number like a
query; when the token expires the
connection is closed with 4403 (a timer, and a check before every delivery). Keep-alive
pings; a slow client's queue is bounded and it is dropped rather than grow memory.

SSE (`POST /graphql/stream`, `Accept: text/event-stream`): the same subscriptions, one per
request, authorized by the Authorization header; `event: next` per result, then
`event: complete` (the graphql-sse protocol's distinct connections mode).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import orjson
from graphql import GraphQLError, GraphQLSyntaxError
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from adapters import metrics
from gateway.auth import InvalidTokenError, bearer_token
from gateway.edge import Edge
from gateway.endpoint import build_context, guard, request_id_of
from gateway.live_results import LegacyWSHandler, TransportWSHandler, sse_event
from gateway.persisted import resolve_query
from gateway.refusal import RefusedError
from gateway.runtime import Runtime
from gateway.shape import OperationNotFoundError
from gateway.transport import OperationRequest
from resolvers.context import Context
from resolvers.principals import SubscriberPrincipal

FORBIDDEN = 4403


def admitter(
    runtime: Runtime, edge: Edge, context: Context
) -> Callable[[str | None, str | None, dict[str, Any] | None], Awaitable[GraphQLError | None]]:
    """The edge's checks for an operation of a live transport (`Context.admit_stream`)."""

    async def admit(
        query: str | None, operation_name: str | None, variables: dict[str, Any] | None
    ) -> GraphQLError | None:
        if query is None:
            return None  # strawberry refuses it
        operation = OperationRequest(query, variables, operation_name, {})
        try:
            text = await resolve_query(operation, edge.persisted, edge.allowlist_only)
            try:
                shape = edge.shapes.read(text, operation_name, variables)
            except (GraphQLSyntaxError, OperationNotFoundError):
                # Left to strawberry, which answers them as the protocol says (4400).
                return None
            await guard(runtime, edge, context, shape)
        except RefusedError as error:
            metrics.REFUSALS.labels(error.code).inc()
            return GraphQLError(
                error.message,
                original_error=error,
                extensions=error.as_error(context.request_id)["extensions"],
            )
        return None

    return admit


class LiveView(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportWSHandler
    graphql_ws_handler_class = LegacyWSHandler

    def __init__(self, runtime: Runtime, edge: Edge) -> None:
        settings = runtime.settings
        super().__init__(
            runtime.schema,
            graphql_ide=None,
            allow_queries_via_get=False,
            keep_alive=True,
            keep_alive_interval=settings.ws_keepalive,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=settings.subscriptions_per_connection,
        )
        self.runtime = runtime
        self.edge = edge
        self.connections: Counter[str] = Counter()

    async def get_context(self, request: Any, response: Any) -> Context:
        websocket: WebSocket = request
        context = build_context(self.runtime, websocket, request_id_of(websocket))
        # The token comes with connection_init, not with the upgrade request.
        context.principal = None
        websocket.state.context = context

        async def close(code: int, reason: str) -> None:
            with contextlib.suppress(RuntimeError):
                await websocket.close(code, reason)

        context.close_connection = close
        context.admit_stream = admitter(self.runtime, self.edge, context)
        return context

    async def on_ws_connect(self, context: Context) -> None:
        params = context.connection_params or {}
        header = params.get("authorization") or params.get("Authorization")
        token = bearer_token(header if isinstance(header, str) else None)
        if token is None and isinstance(params.get("token"), str):
            token = str(params["token"])
        if token is None:
            raise ConnectionRejectionError({"message": "a bearer token is required"})
        try:
            principal, expires_at = self.runtime.tokens.verify_with_expiry(token)
        except InvalidTokenError as exc:
            raise ConnectionRejectionError({"message": str(exc)}) from exc
        who = _who(principal)
        if self.connections[who] >= self.runtime.settings.ws_connections_per_principal:
            raise ConnectionRejectionError({"message": "too many connections"})
        self.connections[who] += 1
        context.principal = principal
        context.token_expires_at = expires_at
        context.connection_params = {"who": who}
        remaining = expires_at - self.runtime.clock.now().timestamp()
        asyncio.get_running_loop().call_later(max(0.0, remaining), _close_soon, context)
        return None

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
        try:
            return await super().run(request)
        finally:
            context = getattr(getattr(request, "state", None), "context", None)
            params = getattr(context, "connection_params", None) or {}
            who = params.get("who")
            if isinstance(who, str) and context is not None and context.principal is not None:
                self.connections[who] -= 1


_closing: set[asyncio.Task[None]] = set()


def _close_soon(context: Context) -> None:
    if context.close_connection is not None:
        task = asyncio.ensure_future(context.close_connection(FORBIDDEN, "token expired"))
        # Held until done: an unreferenced task may be collected mid-flight.
        _closing.add(task)
        task.add_done_callback(_closing.discard)


def _who(principal: object) -> str:
    if isinstance(principal, SubscriberPrincipal):
        return f"subscriber:{principal.msisdn}"
    return f"agent:{getattr(principal, 'name', '')}"


class _LiveEndpoint:
    """An ASGI app (not a function, which starlette would call with a WebSocket): hands the
    connection to the view the lifespan built."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        view: LiveView = scope["app"].state.live
        await view(scope, receive, send)


websocket_endpoint = _LiveEndpoint()


async def sse(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    request_id = request_id_of(request)
    try:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            # Any operation runs here: a cross-site form post must not reach a mutation.
            raise TypeError
        data = orjson.loads(await request.body())
        query, variables = data["query"], data.get("variables")
        if not isinstance(query, str) or (
            variables is not None and not isinstance(variables, dict)
        ):
            raise TypeError
    except (orjson.JSONDecodeError, KeyError, TypeError):
        body = {
            "errors": [
                {"message": "send {query, variables}", "extensions": {"code": "BAD_REQUEST"}}
            ]
        }
        return Response(orjson.dumps(body), status_code=400, media_type="application/json")
    context = build_context(runtime, request, request_id)
    stop = asyncio.Event()

    async def close(code: int, reason: str) -> None:
        stop.set()

    context.close_connection = close
    context.admit_stream = admitter(runtime, request.app.state.edge, context)
    if context.principal is not None:
        token = bearer_token(request.headers.get("authorization"))
        assert token is not None
        _, context.token_expires_at = runtime.tokens.verify_with_expiry(token)
    # Any operation, as the graphql-sse client sends them: a query or a mutation is one
    # `next`, an answer in parts one `next` per part (gateway/live_results.py).
    result = await runtime.schema.stream(
        query,
        variable_values=variables,
        context_value=context,
        operation_name=data.get("operationName"),
    )

    async def stream() -> AsyncIterator[bytes]:
        async for item in result:
            yield sse_event(item, request_id)
            if stop.is_set():
                break
        yield b"event: complete\ndata: \n\n"

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-request-id": request_id},
    )
