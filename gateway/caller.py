"""Who is calling, read off a connection (HTTP request or WebSocket): the request id, the
client's address, and the Context an operation runs with (its principal from the token)."""

from __future__ import annotations

import re
import uuid

from starlette.requests import HTTPConnection

from gateway.auth import InvalidTokenError, bearer_token
from gateway.runtime import Runtime
from resolvers.context import Context, Limits
from resolvers.loaders import Loaders

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


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


async def build_context(runtime: Runtime, request: HTTPConnection, request_id: str) -> Context:
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
            await runtime.tokens.prepare(token)
            context.principal = runtime.tokens.verify(token)
        except InvalidTokenError as exc:
            context.auth_problem = str(exc)
            context.auth_problem_code = exc.code
    return context
