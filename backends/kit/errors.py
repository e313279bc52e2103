"""TMF ``Error`` bodies, and the middleware that makes every failure one of them.

Handlers raise :class:`TmfError`; unknown routes, wrong methods and unexpected exceptions
are turned into the same JSON shape, so a client never sees an HTML page or a traceback.
"""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from backends.kit.responses import json_response

log = logging.getLogger(__name__)


class TmfError(Exception):
    """A failure that has a TMF ``Error`` body: raise it from a handler."""

    def __init__(self, status: int, code: str, reason: str, message: str = "") -> None:
        super().__init__(f"{status} {code}: {message or reason}")
        self.status = status
        self.code = code
        self.reason = reason
        self.message = message or reason

    def response(self) -> web.Response:
        return error_response(self.status, self.code, self.reason, self.message)


def error_response(status: int, code: str, reason: str, message: str) -> web.Response:
    body = {
        "@type": "Error",
        "code": code,
        "reason": reason,
        "message": message,
        "status": str(status),
    }
    return json_response(body, status=status)


def bad_request(message: str) -> TmfError:
    return TmfError(400, "BAD_REQUEST", "Bad request", message)


def not_found(kind: str, entity_id: str) -> TmfError:
    return TmfError(404, "NOT_FOUND", "Not found", f"no {kind} with id {entity_id!r}")


def conflict(message: str, code: str = "CONFLICT") -> TmfError:
    return TmfError(409, code, "Conflict", message)


def invalid(code: str, message: str) -> TmfError:
    """A 400 with a specific code: the request itself is wrong (an amount out of range)."""
    return TmfError(400, code, "Bad request", message)


def unprocessable(code: str, message: str) -> TmfError:
    """A 422: the request is well formed but the state of things refuses it (money short,
    a service already connected). The code is what a client branches on."""
    return TmfError(422, code, "Unprocessable entity", message)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except TmfError as error:
        return error.response()
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        # Unknown routes and wrong methods keep their status but get the TMF body.
        code = exc.reason.upper().replace(" ", "_")
        message = f"{exc.reason}: {request.method} {request.path}"
        response = error_response(exc.status, code, exc.reason, message)
        if exc.status == 405:
            response.headers["Allow"] = exc.headers.get("Allow", "")
        return response
    except Exception:
        log.exception("unexpected failure in %s %s", request.method, request.path)
        return error_response(500, "INTERNAL_ERROR", "Internal error", "unexpected failure")
