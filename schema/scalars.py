"""Custom scalars: `Msisdn` accepts what people type and always answers in E.164;
`Decimal` accepts finite decimals only."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from domain.msisdn import normalize_msisdn

Msisdn = NewType("Msisdn", str)


def _parse_msisdn(value: object) -> Msisdn:
    if not isinstance(value, str):
        raise ValueError('a phone number is a string, e.g. "+79001234567"')
    return Msisdn(normalize_msisdn(value))


MSISDN_SCALAR: ScalarDefinition = strawberry.scalar(
    name="Msisdn",
    description=(
        "A Russian mobile number in E.164 (+79001234567). Input also accepts "
        "8 900 123-45-67, +7 (900) 123-45-67 and 79001234567."
    ),
    serialize=str,
    parse_value=_parse_msisdn,
)

# Longer than any amount: a million-digit string is not worth Decimal's time.
MAX_DECIMAL_CHARS = 40


def _parse_decimal(value: object) -> Decimal:
    """Strawberry's Decimal takes "NaN", "Infinity", "sNaN" and 1e309 (a float's inf),
    which no comparison or rounding downstream expects (a TypeError, a 500: issue #23)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError('a decimal is a string, e.g. "412.50"')
    text = str(value).strip()
    if len(text) > MAX_DECIMAL_CHARS:
        raise ValueError(f"a decimal of at most {MAX_DECIMAL_CHARS} characters")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f'not a decimal number: "{text}"') from None
    if not number.is_finite():
        raise ValueError(f'a finite decimal number, not "{text}"')
    return number


DECIMAL_SCALAR: ScalarDefinition = strawberry.scalar(
    name="Decimal",
    description="Decimal (fixed-point)",
    serialize=str,
    parse_value=_parse_decimal,
)

SCALARS: dict[object, ScalarDefinition] = {Msisdn: MSISDN_SCALAR, Decimal: DECIMAL_SCALAR}
