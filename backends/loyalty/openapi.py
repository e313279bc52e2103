"""The OpenAPI document of loyalty's TMF671/TMF658 subset (served at /openapi.json).
The filter tables are also what the routes accept."""

from __future__ import annotations

from backends.kit.openapi import (
    HUB_SCHEMAS,
    STRING,
    array,
    create_operation,
    entity,
    get_operation,
    hub_paths,
    list_operation,
    obj,
    openapi_document,
    ref,
)
from backends.loyalty.resources import LOYALTY, PROMOTION_MANAGEMENT

PROMOTION_FILTERS = {
    "id": "promotion ids",
    "promotionType": "discount, cashback or gift",
    "lifecycleStatus": "active",
}
ACTIVATION_FILTERS = {
    "relatedParty.id": "member MSISDNs; the batch key",
    "productStatus": "active",
    "loyaltyProgramProductSpec.id": "promotion ids",
}
MEMBER_FILTERS = {"relatedParty.id": "MSISDNs; the batch key", "status": "active"}

_MEMBER_CREATE = obj(
    {
        "relatedParty": array(ref("EntityRef")),
        "name": STRING,
        "characteristic": array(ref("Characteristic")),
    },
    ["relatedParty", "characteristic"],
)
_ACTIVATION_CREATE = obj(
    {"relatedParty": array(ref("EntityRef")), "loyaltyProgramProductSpec": obj({"id": STRING})},
    ["relatedParty", "loyaltyProgramProductSpec"],
)

_SCHEMAS = {
    "Promotion": entity(
        {
            "name": STRING,
            "description": STRING,
            "promotionType": STRING,
            "lifecycleStatus": STRING,
            "validFor": ref("TimePeriod"),
            "relatedParty": array(ref("EntityRef")),
        }
    ),
    "LoyaltyProgramProduct": entity(
        {
            "name": STRING,
            "productStatus": STRING,
            "loyaltyProgramProductSpec": obj({"id": STRING}),
            "relatedParty": array(ref("EntityRef")),
            "characteristic": array(ref("Characteristic")),
            "validFor": ref("TimePeriod"),
        }
    ),
    "LoyaltyProgramMember": entity(
        {
            "name": STRING,
            "status": STRING,
            "validFor": ref("TimePeriod"),
            "relatedParty": array(ref("EntityRef")),
            "characteristic": array(ref("Characteristic")),
        }
    ),
}

OPENAPI = openapi_document(
    "Loyalty (simulated)",
    "TMF671 partner promotions; TMF658 members and their activated offers; joining and activating.",
    {
        f"{PROMOTION_MANAGEMENT}/promotion": {
            "get": list_operation("the partner offers", "Promotion", PROMOTION_FILTERS)
        },
        f"{PROMOTION_MANAGEMENT}/promotion/{{id}}": {
            "get": get_operation("one offer", "Promotion")
        },
        f"{LOYALTY}/loyaltyProgramProduct": {
            "get": list_operation(
                "activated offers with their promo codes",
                "LoyaltyProgramProduct",
                ACTIVATION_FILTERS,
            ),
            "post": create_operation(
                "activate an offer for a member (a new promo code)",
                _ACTIVATION_CREATE,
                "LoyaltyProgramProduct",
                errors={
                    "404": "UNKNOWN_PROMOTION",
                    "409": "ALREADY_ACTIVE, IDEMPOTENCY_KEY_REUSED",
                    "422": "UNKNOWN_NUMBER, NOT_A_MEMBER",
                },
                idempotent=True,
            ),
        },
        f"{LOYALTY}/loyaltyProgramProduct/{{id}}": {
            "get": get_operation("one activation", "LoyaltyProgramProduct")
        },
        f"{LOYALTY}/loyaltyProgramMember": {
            "get": list_operation("memberships", "LoyaltyProgramMember", MEMBER_FILTERS),
            "post": create_operation(
                "join the programme (an e-mail characteristic is required)",
                _MEMBER_CREATE,
                "LoyaltyProgramMember",
                errors={
                    "409": "ALREADY_MEMBER, IDEMPOTENCY_KEY_REUSED",
                    "422": "UNKNOWN_NUMBER",
                },
                idempotent=True,
            ),
        },
        f"{LOYALTY}/loyaltyProgramMember/{{id}}": {
            "get": get_operation("one membership", "LoyaltyProgramMember")
        },
        **hub_paths(LOYALTY),
    },
    {**_SCHEMAS, **HUB_SCHEMAS},
)
