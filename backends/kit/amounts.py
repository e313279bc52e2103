"""Reading amounts from request bodies: TMF ``Money {unit, value}`` and ``Quantity {amount,
units}`` into a Decimal and a unit, with the 400 ``INVALID_AMOUNT`` a client can branch on.

JSON numbers arrive as floats; they are read through their shortest decimal form
(``12.3``, never ``12.300000000000001``), and numeric strings are taken too.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from backends.kit.errors import TmfError, invalid

INVALID_AMOUNT = "INVALID_AMOUNT"


@dataclass(frozen=True, slots=True)
class Amount:
    value: Decimal
    unit: str


def read_money(body: dict[str, Any], name: str) -> Amount:
    """``{"unit": "RUB", "value": 12.5}`` at ``body[name]``."""
    return _read(body, name, "value", "unit")


def read_quantity(body: dict[str, Any], name: str) -> Amount:
    """``{"amount": 12.5, "units": "RUB"}`` at ``body[name]``."""
    return _read(body, name, "amount", "units")


def require_unit(amount: Amount, name: str, *units: str) -> None:
    if amount.unit not in units:
        raise invalid(
            INVALID_AMOUNT, f"{name!r} must be in {' or '.join(units)}, not {amount.unit!r}"
        )


def require_range(amount: Amount, name: str, low: Decimal, high: Decimal) -> None:
    if not low <= amount.value <= high:
        raise invalid(INVALID_AMOUNT, f"{name!r} must be between {low} and {high} {amount.unit}")


def require_places(amount: Amount, name: str, places: int) -> None:
    """At most ``places`` decimal places (kopecks for money, whole units for GB)."""
    if amount.value % Decimal(1).scaleb(-places) != 0:
        what = "a whole number" if places == 0 else f"at most {places} decimal places"
        raise invalid(INVALID_AMOUNT, f"{name!r} must be {what}")


def _read(body: dict[str, Any], name: str, value_field: str, unit_field: str) -> Amount:
    node = body.get(name)
    if not isinstance(node, dict):
        raise _shape(name, value_field, unit_field)
    unit = node.get(unit_field)
    if not isinstance(unit, str) or not unit:
        raise _shape(name, value_field, unit_field)
    return Amount(_decimal(node.get(value_field), name), unit)


def _decimal(raw: Any, name: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise invalid(INVALID_AMOUNT, f"{name!r} must hold a number")
    try:
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    except InvalidOperation:
        raise invalid(INVALID_AMOUNT, f"{name!r} must hold a number, not {raw!r}") from None
    if not value.is_finite():
        raise invalid(INVALID_AMOUNT, f"{name!r} must be a finite number")
    return value


def _shape(name: str, value_field: str, unit_field: str) -> TmfError:
    return invalid(
        INVALID_AMOUNT,
        f"{name!r} must be an object with {value_field!r} (a number) and {unit_field!r}",
    )
