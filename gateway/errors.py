"""GraphQL errors as the client sees them: every one carries a stable `extensions.code`.

Expected failures (auth, bad input, a backend down) keep their message. Anything else is
a bug: the client gets "internal error" with the request id, and the log gets the cause
with its stack, under the same request id. No backend URL or stack reaches a client.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError

from adapters.errors import BackendError
from adapters.security.errors import SecurityStoreUnavailableError
from domain.msisdn import InvalidMsisdnError
from gateway.refusal import RefusedError
from resolvers.errors import GatewayError

log = logging.getLogger("gateway.errors")

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
BAD_REQUEST = "BAD_REQUEST"
INTERNAL = "INTERNAL_SERVER_ERROR"


def format_error(error: GraphQLError, request_id: str, executed: bool) -> dict[str, Any]:
    """`executed` is False when the operation never ran (parse, validation, variables)."""
    cause = error.original_error
    extensions: dict[str, Any] = {}
    message = error.message
    if isinstance(cause, RefusedError):
        # Refused by the edge on a live transport (gateway/live.py).
        extensions.update(code=cause.code, **cause.extensions)
        message = cause.message
    elif isinstance(cause, GatewayError):
        extensions["code"] = cause.code
        extensions.update(cause.extensions)
        message = cause.message
    elif isinstance(cause, SecurityStoreUnavailableError):
        log.error("request %s: %s", request_id, cause)
        extensions["code"] = cause.code
        message = "temporarily unavailable, try again shortly"
    elif isinstance(cause, BackendError):
        extensions["code"] = cause.code
        extensions["backend"] = cause.backend
        message = f"the {cause.backend} system did not answer usefully"
        log.warning("request %s: %s at %s", request_id, cause, error.path)
    elif isinstance(cause, (InvalidMsisdnError, ValueError)) and not executed:
        # A scalar refused an input value (a malformed number, say).
        extensions["code"] = BAD_USER_INPUT
    elif isinstance(error, GraphQLSyntaxError):
        extensions["code"] = PARSE_FAILED
    elif not executed and error.message.startswith("Variable '$"):
        extensions["code"] = BAD_USER_INPUT
    elif not executed and cause is None:
        extensions["code"] = VALIDATION_FAILED
    else:
        log.error(
            "request %s: unexpected error at %s",
            request_id,
            error.path,
            exc_info=(type(cause), cause, cause.__traceback__) if cause else None,
        )
        extensions["code"] = INTERNAL
        message = "internal error"
    extensions["requestId"] = request_id
    formatted: dict[str, Any] = {"message": message}
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    if error.path:
        formatted["path"] = error.path
    formatted["extensions"] = extensions
    return formatted
