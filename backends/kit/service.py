"""The app factory every simulator is built with: its routes, ``/openapi.json``, the admin
routes, and the error, counting and fault middlewares in that order (outermost first)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from aiohttp import web

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
) -> web.Application:
    """A service's application; the caller stores its state under its own AppKey."""
    # Errors outermost so injected faults get TMF bodies too; counting before faults so a
    # request that faults is still counted.
    app = web.Application(middlewares=[error_middleware, counting_middleware, fault_middleware])
    app[SERVICE_NAME] = name
    app[COUNTER] = RequestCounter()
    app[IDEMPOTENCY] = IdempotencyStore()
    injector = FaultInjector(faults)
    app[FAULTS] = injector

    async def openapi_document(request: web.Request) -> web.Response:
        return json_response(openapi)

    async def release_hung_requests(app: web.Application) -> None:
        injector.release_all()

    app.add_routes(routes)
    app.router.add_get("/openapi.json", openapi_document)
    app.add_routes(admin.routes)
    app.on_shutdown.append(release_hung_requests)
    return app
