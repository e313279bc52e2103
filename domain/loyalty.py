"""Partner offers and who activated which."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class OfferKind(Enum):
    DISCOUNT = "discount"
    CASHBACK = "cashback"
    GIFT = "gift"


@dataclass(frozen=True, slots=True)
class PromotionRecord:
    id: str
    partner: str
    title: str
    description: str | None
    kind: OfferKind
    valid_until: datetime | None


@dataclass(frozen=True, slots=True)
class ActivationRecord:
    msisdn: str
    promotion_id: str
    promo_code: str | None
