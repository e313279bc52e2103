"""Custom scalars: `Msisdn` accepts what people type and always answers in E.164."""

from __future__ import annotations

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

SCALARS: dict[object, ScalarDefinition] = {Msisdn: MSISDN_SCALAR}
