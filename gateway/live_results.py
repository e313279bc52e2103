"""What the live transports send for each result of an operation -- a subscription's
events, a query's or a mutation's one answer, or an answer in parts (`@defer`/`@stream`)
-- with every error formatted by gateway/errors.py, as over HTTP.

strawberry's WebSocket handlers format errors themselves (`GraphQLError.formatted`: no
stable code, an unexpected error's own message) and refuse incremental frames; the two
handlers here send each result as the gateway's frame (gateway/incremental.py): one
`next` (or `data`) message per frame, the parts of a deferred answer in graphql-js 17's
format (`pending`/`incremental`/`completed`/`hasNext`), then `complete`.
"""

from __future__ import annotations

from typing import Any, cast

import orjson
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.types.execution import PreExecutionError

from gateway.errors import PARSE_FAILED, VALIDATION_FAILED
from gateway.incremental import Frame, frame
from resolvers.context import Context


def _request_id(context: Any) -> str:
    return str(getattr(context, "request_id", ""))


def sse_event(result: Any, request_id: str) -> bytes:
    """One result as a graphql-sse `next` event."""
    return b"event: next\ndata: " + orjson.dumps(frame(result, request_id)) + b"\n\n"


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws: errors formatted by the gateway; parts as several `next`."""

    async def _send_result_stream(self, operation: Operation[Context, None], source: Any) -> None:
        first = True
        async for result in source:
            if first and isinstance(result, PreExecutionError):
                if result.errors and self._get_pre_execution_close_reason(result.errors[0]):
                    # A document that does not parse: the protocol closes with 4400.
                    await self._handle_pre_execution_error(operation, result)
                    return
                payload = frame(result, _request_id(self.context))["errors"]
                await operation.send_operation_message(
                    cast(Any, {"id": operation.id, "type": "error", "payload": payload})
                )
                return
            first = False
            # A frame may carry more than strawberry's message types name (the parts).
            payload = _payload(result, self.context)
            await operation.send_operation_message(
                cast(Any, {"id": operation.id, "type": "next", "payload": payload})
            )


class LegacyWSHandler(BaseGraphQLWSHandler[Context, None]):
    """graphql-ws (subscriptions-transport-ws): errors formatted by the gateway."""

    async def send_message(self, message: Any) -> None:
        if message.get("type") == "error" and isinstance(message.get("payload"), dict):
            # strawberry sends a document that does not parse or validate as the error's
            # own `formatted`, without a code; a refusal of the edge has its code already.
            payload = dict(message["payload"])
            extensions = dict(payload.get("extensions") or {})
            if "code" not in extensions:
                syntax = str(payload.get("message", "")).startswith("Syntax Error")
                extensions["code"] = PARSE_FAILED if syntax else VALIDATION_FAILED
            extensions.setdefault("requestId", _request_id(self.context))
            payload["extensions"] = extensions
            message = {**message, "payload": payload}
        await super().send_message(message)

    async def send_data_message(self, execution_result: Any, operation_id: str) -> None:
        payload = _payload(execution_result, self.context)
        await self.send_message(cast(Any, {"type": "data", "id": operation_id, "payload": payload}))


def _payload(result: Any, context: Any) -> Frame:
    return frame(result, _request_id(context))
