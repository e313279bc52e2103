"""The operations routes every simulator serves under ``/admin/`` (exempt from faults
and from the request counts)."""

from __future__ import annotations

from aiohttp import web

from backends.kit.bodies import read_json_object
from backends.kit.counters import COUNTER
from backends.kit.faults import FAULTS
from backends.kit.responses import json_response

routes = web.RouteTableDef()


@routes.get("/admin/health")
async def health(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


@routes.get("/admin/faults")
async def get_faults(request: web.Request) -> web.Response:
    return json_response(request.app[FAULTS].faults.to_json())


@routes.put("/admin/faults")
async def put_faults(request: web.Request) -> web.Response:
    injector = request.app[FAULTS]
    injector.set(injector.faults.updated(await read_json_object(request)))
    return json_response(injector.faults.to_json())


@routes.get("/admin/requests")
async def get_requests(request: web.Request) -> web.Response:
    return json_response(request.app[COUNTER].snapshot())


@routes.delete("/admin/requests")
async def reset_requests(request: web.Request) -> web.Response:
    request.app[COUNTER].reset()
    return web.Response(status=204)
