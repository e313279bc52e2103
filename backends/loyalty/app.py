"""The loyalty service's read routes and ``create_app``, which also wires the write
routes (joining, activating) and the hub."""

from __future__ import annotations

from aiohttp import web

from backends.config import ServiceConfig
from backends.kit.filters import parse_query
from backends.kit.hub import attach_hub
from backends.kit.listing import indexed_collection
from backends.kit.lookup import path_entity
from backends.kit.responses import collection_response, json_response
from backends.kit.service import create_service_app
from backends.loyalty import write_routes
from backends.loyalty.keys import LOYALTY_STATE
from backends.loyalty.openapi import ACTIVATION_FILTERS, MEMBER_FILTERS, OPENAPI, PROMOTION_FILTERS
from backends.loyalty.resources import (
    LOYALTY,
    PROMOTION_MANAGEMENT,
    activation_json,
    member_json,
    promotion_json,
)
from backends.loyalty.state import LoyaltyState

DEFAULT_PORT = 8104

routes = web.RouteTableDef()


def create_app(config: ServiceConfig) -> web.Application:
    app = create_service_app("loyalty", [*routes, *write_routes.routes], OPENAPI, config.faults)
    app[LOYALTY_STATE] = LoyaltyState(config.build_world())
    attach_hub(app, LOYALTY, config.hub_secret)
    return app


@routes.get(f"{PROMOTION_MANAGEMENT}/promotion")
async def list_promotions(request: web.Request) -> web.Response:
    state = request.app[LOYALTY_STATE]
    query = parse_query(request.query, PROMOTION_FILTERS)
    page, total = query.select(
        state.promotions, lambda promotion: promotion_json(promotion, state.promotions_valid)
    )
    return collection_response(page, total=total)


@routes.get(f"{PROMOTION_MANAGEMENT}/promotion/{{id}}")
async def get_promotion(request: web.Request) -> web.Response:
    state = request.app[LOYALTY_STATE]
    promotion = path_entity(request, "promotion", state.promotion)
    return json_response(promotion_json(promotion, state.promotions_valid))


@routes.get(f"{LOYALTY}/loyaltyProgramProduct")
async def list_activations(request: web.Request) -> web.Response:
    state = request.app[LOYALTY_STATE]
    return indexed_collection(
        request, ACTIVATION_FILTERS, "relatedParty.id", state.activations, activation_json
    )


@routes.get(f"{LOYALTY}/loyaltyProgramProduct/{{id}}")
async def get_activation(request: web.Request) -> web.Response:
    activation = path_entity(
        request, "loyaltyProgramProduct", request.app[LOYALTY_STATE].activation
    )
    return json_response(activation_json(activation))


@routes.get(f"{LOYALTY}/loyaltyProgramMember")
async def list_members(request: web.Request) -> web.Response:
    state = request.app[LOYALTY_STATE]
    return indexed_collection(
        request, MEMBER_FILTERS, "relatedParty.id", state.members, member_json
    )


@routes.get(f"{LOYALTY}/loyaltyProgramMember/{{id}}")
async def get_member(request: web.Request) -> web.Response:
    member = path_entity(request, "loyaltyProgramMember", request.app[LOYALTY_STATE].member)
    return json_response(member_json(member))
