"""Provisioning's TMF622 product order routes, and the admin route that advances an order.

An order's ``externalId`` doubles as its idempotency key when no ``Idempotency-Key``
header is sent: the gateway puts its key there, as TMF622 intends the field for.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from aiohttp import web

from backends.kit.bodies import read_json_object
from backends.kit.errors import conflict
from backends.kit.idempotency import idempotent
from backends.kit.ids import href
from backends.kit.listing import indexed_collection
from backends.kit.lookup import path_entity
from backends.kit.responses import json_response
from backends.kit.timestamps import utc_now
from backends.provisioning.keys import FULFILMENT, ORDER_STEPS, PROVISIONING
from backends.provisioning.openapi_orders import ORDER_FILTERS
from backends.provisioning.order_plan import plan_order
from backends.provisioning.order_resources import PRODUCT_ORDERING, order_json
from backends.provisioning.orders import OrderRecord

ALREADY_FINAL = "ALREADY_FINAL"

routes = web.RouteTableDef()


def _external_id(body: dict[str, Any]) -> str | None:
    value = body.get("externalId")
    return value if isinstance(value, str) and value else None


@routes.post(f"{PRODUCT_ORDERING}/productOrder")
@idempotent(key_in_body=_external_id)
async def create_order(request: web.Request) -> web.Response:
    app = request.app
    state = app[PROVISIONING]
    plan = plan_order(state, await read_json_object(request))
    order = OrderRecord(state.orders.new_id(), plan.msisdn, plan.external_id, plan.items, utc_now())
    state.orders.add(order)
    fulfilment = app[FULFILMENT]
    fulfilment.accepted(order)
    await app[ORDER_STEPS].run(order.id, partial(fulfilment.step, order))
    return json_response(
        order_json(order),
        status=201,
        headers={"Location": href(f"{PRODUCT_ORDERING}/productOrder", order.id)},
    )


@routes.get(f"{PRODUCT_ORDERING}/productOrder")
async def list_orders(request: web.Request) -> web.Response:
    return indexed_collection(
        request, ORDER_FILTERS, "relatedParty.id", request.app[PROVISIONING].orders.of, order_json
    )


@routes.get(f"{PRODUCT_ORDERING}/productOrder/{{id}}")
async def get_order(request: web.Request) -> web.Response:
    return json_response(order_json(_order(request)))


@routes.post("/admin/orders/{id}/advance")
async def advance_order(request: web.Request) -> web.Response:
    """Take the order's next step now (tests walk orders through their states)."""
    order = _order(request)
    if await request.app[ORDER_STEPS].advance(order.id) is None:
        raise conflict(f"{order.id} is already {order.state.value}", ALREADY_FINAL)
    return json_response(order_json(order))


def _order(request: web.Request) -> OrderRecord:
    return path_entity(request, "productOrder", request.app[PROVISIONING].orders.order)
