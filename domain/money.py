"""Money as the gateway means it: a Decimal amount and a currency, never a float.

TM Forum specs carry amounts in two shapes, `Money {unit, value}` and
`Quantity {amount, units}` (TMF654 uses the latter even for money); both land here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Money(self.amount + other.amount, self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)


def to_decimal(value: Any) -> Decimal:
    """A JSON number or numeric string as a Decimal; floats go through str() so that
    0.1 stays 0.1 instead of becoming 0.1000000000000000055511151231257827."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not an amount: {value!r}")
    try:
        amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    return amount


def parse_money(data: Mapping[str, Any]) -> Money:
    """Either TMF shape: `{"unit": "RUB", "value": 1.5}` or `{"units": "RUB", "amount": 1.5}`."""
    if "value" in data:
        return Money(to_decimal(data["value"]), str(data.get("unit") or ""))
    if "amount" in data:
        return Money(to_decimal(data["amount"]), str(data.get("units") or ""))
    raise ValueError(f"no amount in {dict(data)!r}")
