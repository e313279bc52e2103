"""A request or operation refused at the edge, before anything ran: a stable code, a clear
message, and the HTTP status it earns when it is the whole answer."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

from adapters import metrics


class RefusedError(Exception):
    def __init__(self, code: str, message: str, status: int = 200, **extensions: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.extensions = extensions
        self.headers: dict[str, str] = {}

    def as_error(self, request_id: str) -> dict[str, Any]:
        return {
            "message": self.message,
            "extensions": {"code": self.code, **self.extensions, "requestId": request_id},
        }


def deadline_exceeded(step: str) -> RefusedError:
    """The request's deadline ran out before execution: nothing ran, try again."""
    return RefusedError(
        "DEADLINE_EXCEEDED", f"the request's deadline passed while {step}", status=503
    )


def refusal_response(error: RefusedError, request_id: str) -> Response:
    """A refusal as the whole answer of a request: the error, its status and its headers."""
    metrics.REFUSALS.labels(error.code).inc()
    return Response(
        orjson.dumps({"errors": [error.as_error(request_id)]}),
        status_code=error.status,
        media_type="application/json",
        headers={**error.headers, "x-request-id": request_id},
    )
