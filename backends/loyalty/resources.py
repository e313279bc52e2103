"""Loyalty's state as TMF671 promotions and TMF658 loyalty programme products and
members."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backends.kit.ids import href
from backends.kit.timestamps import format_timestamp
from backends.loyalty.state import ActivationRecord, MemberRecord
from backends.promotions import PROMOTIONS_BY_ID, Promotion

PROMOTION_MANAGEMENT = "/tmf-api/promotionManagement/v4"
LOYALTY = "/tmf-api/loyalty/v4"


def promotion_json(promotion: Promotion, valid: tuple[datetime, datetime]) -> dict[str, Any]:
    return {
        "id": promotion.id,
        "href": href(f"{PROMOTION_MANAGEMENT}/promotion", promotion.id),
        "@type": "Promotion",
        "name": promotion.name,
        "description": promotion.description,
        "promotionType": promotion.type.value,
        "lifecycleStatus": "active",
        "validFor": {
            "startDateTime": format_timestamp(valid[0]),
            "endDateTime": format_timestamp(valid[1]),
        },
        "relatedParty": [
            {"id": promotion.partner_id, "name": promotion.partner_name, "role": "partner"}
        ],
    }


def activation_json(activation: ActivationRecord) -> dict[str, Any]:
    promotion = PROMOTIONS_BY_ID[activation.promotion_id]
    return {
        "id": activation.id,
        "href": href(f"{LOYALTY}/loyaltyProgramProduct", activation.id),
        "@type": "LoyaltyProgramProduct",
        "name": promotion.name,
        "productStatus": activation.status,
        "loyaltyProgramProductSpec": {"id": promotion.id},
        "relatedParty": [{"id": activation.msisdn, "role": "member"}],
        "characteristic": [{"name": "promoCode", "value": activation.promo_code}],
        "validFor": {"startDateTime": format_timestamp(activation.activated)},
    }


def member_json(member: MemberRecord) -> dict[str, Any]:
    return {
        "id": member.id,
        "href": href(f"{LOYALTY}/loyaltyProgramMember", member.id),
        "@type": "LoyaltyProgramMember",
        "name": member.name,
        "status": member.status,
        "validFor": {"startDateTime": format_timestamp(member.since)},
        "relatedParty": [{"id": member.msisdn, "role": "member", "@referredType": "Individual"}],
        # TMF658 v4 has no e-mail on a member; the activation flow needs one.
        "characteristic": [{"name": "email", "value": member.email}],
    }
