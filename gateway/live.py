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
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from adapters import metrics
from gateway.auth import InvalidTokenError, bearer_token
from gateway.caller import build_context, request_id_of
from gateway.edge import Edge
from gateway.errors import PARSE_FAILED, VALIDATION_FAILED
from gateway.lifespan import running
from gateway.live_connections import (
    HeldStream,
    LiveConnections,
    close_soon,
    init_deadline,
    principal_key,
)
from gateway.live_results import LegacyWSHandler, TransportWSHandler, sse_event
from gateway.persisted import learn
from gateway.pipeline.admission import guard, read_operation
from gateway.refusal import RefusedError, refusal_response
from gateway.runtime import Runtime
from gateway.transport import OperationRequest
from resolvers.context import Context

FORBIDDEN = 4403


def admitter(
    runtime: Runtime, edge: Edge, context: Context, headers: Mapping[str, str]
) -> Callable[[str | None, str | None, dict[str, Any] | None], Awaitable[GraphQLError | None]]:
    """The edge's checks for an operation of a live transport (`Context.admit_stream`);
    `headers` are the connection's, naming the client for the schema's usage counts."""

    async def admit(
        query: str | None, operation_name: str | None, variables: dict[str, Any] | None
    ) -> GraphQLError | None:
        if query is None:
            return None  # strawberry refuses it
        operation = OperationRequest(query, variables, operation_name, {})
        try:
            try:
                text, shape = await read_operation(edge, operation)
            except RefusedError as error:
                if error.code in (PARSE_FAILED, VALIDATION_FAILED):
                    # Left to strawberry, which answers them as the protocol says (4400).
                    return None
                raise
            await guard(runtime, edge, context, shape)
            if not edge.shapes.validate(text):
                await learn(operation, edge.persisted, edge.allowlist_only)
                runtime.usage.record(headers, [shape])
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
            connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout),
            max_subscriptions_per_connection=settings.subscriptions_per_connection,
        )
        self.runtime = runtime
        self.edge = edge
        self.sockets = LiveConnections(settings.ws_connections_per_principal)
        self.streams = LiveConnections(settings.sse_streams_per_principal)

    async def get_context(self, request: Any, response: Any) -> Context:
        websocket: WebSocket = request
        context = await build_context(self.runtime, websocket, request_id_of(websocket))
        # The token comes with connection_init, not with the upgrade request.
        context.principal = None
        websocket.state.context = context

        async def close(code: int, reason: str) -> None:
            with contextlib.suppress(RuntimeError):
                await websocket.close(code, reason)

        context.close_connection = close
        context.admit_stream = admitter(self.runtime, self.edge, context, websocket.headers)
        if await self.pick_websocket_subprotocol(websocket) == GRAPHQL_WS_PROTOCOL:
            # strawberry bounds graphql-transport-ws's wait itself; the legacy one, not.
            websocket.state.init_deadline = init_deadline(
                context, self.runtime.settings.ws_init_timeout
            )
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
            await self.runtime.tokens.prepare(token)
            principal, expires_at = self.runtime.tokens.verify_with_expiry(token)
        except InvalidTokenError as exc:
            raise ConnectionRejectionError({"message": str(exc), "code": exc.code}) from exc
        who = principal_key(principal)
        if not self.sockets.open(who):
            raise ConnectionRejectionError({"message": "too many connections"})
        context.principal = principal
        context.token_expires_at = expires_at
        context.connection_params = {"who": who}
        remaining = expires_at - self.runtime.clock.now().timestamp()
        asyncio.get_running_loop().call_later(
            max(0.0, remaining), close_soon, context, FORBIDDEN, "token expired"
        )
        return None

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
        try:
            return await super().run(request)
        finally:
            state = getattr(request, "state", None)
            deadline = getattr(state, "init_deadline", None)
            if deadline is not None:
                deadline.cancel()
            context = getattr(state, "context", None)
            params = getattr(context, "connection_params", None) or {}
            who = params.get("who")
            if isinstance(who, str) and context is not None and context.principal is not None:
                self.sockets.close(who)


class _LiveEndpoint:
    """An ASGI app (not a function, which starlette would call with a WebSocket): hands the
    connection to the view the lifespan built."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        view = running(scope["app"]).live
        await view(scope, receive, send)


websocket_endpoint = _LiveEndpoint()


async def sse(request: Request) -> Response:
    runtime = running(request.app).runtime
    request_id = request_id_of(request)
    edge = running(request.app).edge
    try:
        raw = await edge.body.read_json(request)
    except RefusedError as error:
        return refusal_response(error, request_id)
    try:
        data = orjson.loads(raw)
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
    context = await build_context(runtime, request, request_id)
    stop = asyncio.Event()

    async def close(code: int, reason: str) -> None:
        stop.set()

    context.close_connection = close
    context.admit_stream = admitter(runtime, edge, context, request.headers)
    if context.principal is not None:
        token = bearer_token(request.headers.get("authorization"))
        assert token is not None
        _, context.token_expires_at = runtime.tokens.verify_with_expiry(token)
    # Anonymous streams are counted per client address (they end at their first event).
    principal = context.principal
    holder = principal_key(principal) if principal else f"client:{context.client_address}"
    streams: LiveConnections = running(request.app).live.streams
    if not streams.open(holder):
        message = f"at most {streams.limit} live streams at once"
        too_many = RefusedError("TOO_MANY_CONNECTIONS", message, status=429)
        return refusal_response(too_many, request_id)
    # Any operation, as the graphql-sse client sends them: a query or a mutation is one
    # `next`, an answer in parts one `next` per part (gateway/live_results.py).
    try:
        result = await runtime.schema.stream(
            query,
            variable_values=variables,
            context_value=context,
            operation_name=data.get("operationName"),
        )
    except BaseException:
        streams.close(holder)
        raise

    async def stream() -> AsyncIterator[bytes]:
        async for item in result:
            yield sse_event(item, request_id)
            if stop.is_set():
                break
        yield b"event: complete\ndata: \n\n"

    return HeldStream(
        stream(),
        release=lambda: streams.close(holder),
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-request-id": request_id},
    )
