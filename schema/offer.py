"""Partner offers of the loyalty programme."""

from __future__ import annotations

from datetime import datetime

import strawberry

from resolvers.offers import OfferView
from schema.enums import OfferKind


@strawberry.type
class Offer:
    id: strawberry.ID
    partner: str
    title: str
    description: str | None
    kind: OfferKind
    valid_until: datetime | None
    activated: bool | None
    promo_code: str | None

    @classmethod
    def from_record(cls, view: OfferView) -> Offer:
        promotion = view.promotion
        return cls(
            id=strawberry.ID(promotion.id),
            partner=promotion.partner,
            title=promotion.title,
            description=promotion.description,
            kind=promotion.kind,
            valid_until=promotion.valid_until,
            activated=view.activated,
            promo_code=view.promo_code,
        )
