"""The OpenAPI document of loyalty's TMF671/TMF658 subset (served at /openapi.json).
The filter tables are also what the routes accept."""

from __future__ import annotations

from backends.kit.openapi import (
    STRING,
    array,
    entity,
    get_operation,
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
    "TMF671 partner promotions; TMF658 members and their activated offers.",
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
            )
        },
        f"{LOYALTY}/loyaltyProgramProduct/{{id}}": {
            "get": get_operation("one activation", "LoyaltyProgramProduct")
        },
        f"{LOYALTY}/loyaltyProgramMember": {
            "get": list_operation("memberships", "LoyaltyProgramMember", MEMBER_FILTERS)
        },
        f"{LOYALTY}/loyaltyProgramMember/{{id}}": {
            "get": get_operation("one membership", "LoyaltyProgramMember")
        },
    },
    _SCHEMAS,
)
