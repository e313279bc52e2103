from __future__ import annotations

import pytest

from domain.msisdn import InvalidMsisdnError, normalize_msisdn


@pytest.mark.parametrize(
    "typed",
    ["+79001234567", "89001234567", "8 900 123-45-67", "+7 (900) 123-45-67", "79001234567"],
)
def test_what_people_type_becomes_e164(typed: str) -> None:
    assert normalize_msisdn(typed) == "+79001234567"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("12345", "not a valid number"),
        ("hello", "not a phone number"),
        ("+74951234567", "not a mobile number"),  # a Moscow landline
        ("+12025550143", "not a Russian number"),
        ("+7900" + "1" * 40, "at most 32 characters"),
    ],
)
def test_anything_else_is_refused_with_a_reason(typed: str, reason: str) -> None:
    with pytest.raises(InvalidMsisdnError, match=reason):
        normalize_msisdn(typed)
