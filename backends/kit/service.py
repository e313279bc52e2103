"""The app factory every simulator is built with: its routes, ``/openapi.json``, the admin
routes, and the error, counting and fault middlewares in that order (outermost first).
OCS, which speaks its own dialect, passes its own error middleware, answer encoder and
basic auth (after the faults)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware

from backends.kit import admin
from backends.kit.counters import COUNTER, RequestCounter, counting_middleware
from backends.kit.errors import error_middleware
from backends.kit.faults import FAULTS, FaultInjector, Faults, fault_middleware
from backends.kit.idempotency import IDEMPOTENCY, IdempotencyStore
from backends.kit.responses import json_response

SERVICE_NAME = web.AppKey("service_name", str)


def create_service_app(
    name: str,
    routes: Iterable[web.AbstractRouteDef],
    openapi: Mapping[str, Any],
    faults: Faults,
    *,
    errors: Middleware = error_middleware,
    after_faults: Sequence[Middleware] = (),
    render: Callable[[Mapping[str, Any]], web.Response] = json_response,
) -> web.Application:
    """A service's application; the caller stores its state under its own AppKey."""
    # Errors outermost so injected faults get TMF bodies too; counting before faults so a
    # request that faults is still counted; faults before `after_faults` (OCS's auth), so
    # a "down" service drops the connection rather than answering 401.
    app = web.Application(
        middlewares=[errors, counting_middleware, fault_middleware, *after_faults]
    )
    app[SERVICE_NAME] = name
    app[COUNTER] = RequestCounter()
    app[IDEMPOTENCY] = IdempotencyStore()
    injector = FaultInjector(faults)
    app[FAULTS] = injector

    async def openapi_document(request: web.Request) -> web.Response:
        return render(openapi)

    async def release_hung_requests(app: web.Application) -> None:
        injector.release_all()

    app.add_routes(routes)
    app.router.add_get("/openapi.json", openapi_document)
    app.add_routes(admin.routes)
    app.on_shutdown.append(release_hung_requests)
    return app
