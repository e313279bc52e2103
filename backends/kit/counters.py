"""Requests counted per route, so tests and benches can see how many backend calls a
GraphQL query cost (the point of batching and caching)."""

from __future__ import annotations

from collections import Counter

from aiohttp import web
from aiohttp.typedefs import Handler

from backends.kit.faults import is_admin


class RequestCounter:
    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def count(self, key: str) -> None:
        self._counts[key] += 1

    def snapshot(self) -> dict[str, int]:
        return dict(self._counts)

    def reset(self) -> None:
        self._counts.clear()


COUNTER = web.AppKey("counter", RequestCounter)


def route_key(request: web.Request) -> str | None:
    """``"GET /tmf-api/.../permission/{id}"``: the route pattern, not the concrete path."""
    resource = request.match_info.route.resource
    if resource is None:
        return None
    return f"{request.method} {resource.canonical}"


@web.middleware
async def counting_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    # Runs outside the fault middleware: a request that faults was still made.
    if not is_admin(request):
        key = route_key(request)
        if key is not None:
            request.app[COUNTER].count(key)
    return await handler(request)
