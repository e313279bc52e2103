"""How a number pays: its saved cards and its autopay."""

from __future__ import annotations

import strawberry

from domain.billing import AutopayRecord
from domain.payments import SavedCardRecord
from schema.money import Money


@strawberry.type
class SavedCard:
    id: strawberry.ID
    name: str
    last_four_digits: str | None
    preferred: bool

    @classmethod
    def from_record(cls, record: SavedCardRecord) -> SavedCard:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            last_four_digits=record.last_four,
            preferred=record.preferred,
        )


@strawberry.type
class Autopay:
    id: strawberry.ID
    amount: Money
    monthly: bool
    below_amount: Money | None
    payment_method: str | None

    @classmethod
    def from_record(cls, record: AutopayRecord) -> Autopay:
        return cls(
            id=strawberry.ID(record.id),
            amount=Money.from_record(record.amount),
            monthly=record.monthly,
            below_amount=Money.from_record(record.threshold) if record.threshold else None,
            payment_method=record.method_name,
        )
