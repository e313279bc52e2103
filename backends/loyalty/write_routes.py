"""Loyalty's TMF658 write routes: joining the programme and activating an offer."""

from __future__ import annotations

from aiohttp import web

from backends.kit.bodies import (
    characteristic_value,
    optional_string,
    read_json_object,
    reference_id,
    resource_id,
)
from backends.kit.emails import checked_email
from backends.kit.errors import invalid
from backends.kit.hub import HUB
from backends.kit.idempotency import idempotent
from backends.kit.ids import href
from backends.kit.responses import json_response
from backends.kit.timestamps import utc_now
from backends.loyalty.enrolment import activate, join
from backends.loyalty.keys import LOYALTY_STATE
from backends.loyalty.resources import LOYALTY, activation_json, member_json

routes = web.RouteTableDef()


@routes.post(f"{LOYALTY}/loyaltyProgramMember")
@idempotent()
async def create_member(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    msisdn = resource_id(body, "relatedParty")
    email = characteristic_value(body, "email")
    if email is None:
        raise invalid("EMAIL_REQUIRED", "joining the programme needs an e-mail characteristic")
    address = checked_email(email)
    name = optional_string(body, "name")
    member = join(request.app[LOYALTY_STATE], msisdn, address, name and name.strip(), utc_now())
    answer = member_json(member)
    request.app[HUB].publish("LoyaltyProgramMemberCreateEvent", {"loyaltyProgramMember": answer})
    return json_response(
        answer,
        status=201,
        headers={"Location": href(f"{LOYALTY}/loyaltyProgramMember", member.id)},
    )


@routes.post(f"{LOYALTY}/loyaltyProgramProduct")
@idempotent()
async def create_activation(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    msisdn = resource_id(body, "relatedParty")
    promotion_id = reference_id(body, "loyaltyProgramProductSpec")
    activation = activate(request.app[LOYALTY_STATE], msisdn, promotion_id, utc_now())
    answer = activation_json(activation)
    request.app[HUB].publish("LoyaltyProgramProductCreateEvent", {"loyaltyProgramProduct": answer})
    return json_response(
        answer,
        status=201,
        headers={"Location": href(f"{LOYALTY}/loyaltyProgramProduct", activation.id)},
    )
