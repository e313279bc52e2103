"""Money: a Decimal amount (sent as a string, so no float rounding) and a currency."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from domain.money import Money as MoneyRecord

_CENTS = Decimal("0.01")


@strawberry.type
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def from_record(cls, record: MoneyRecord) -> Money:
        amount = record.amount
        # Shown with kopeks ("412.50", "0.00"), never rounded: a finer amount (some
        # charging systems keep six decimals) is passed on as it is.
        if amount.as_tuple().exponent > -2:  # type: ignore[operator]
            amount = amount.quantize(_CENTS)
        return cls(amount=amount, currency=record.currency)
