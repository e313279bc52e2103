"""Subscriber numbers: parse what people type into E.164, or say clearly why not."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType


class InvalidMsisdnError(ValueError):
    """The text is not a Russian mobile number."""


_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
# People paste numbers from anywhere; a long string is not a number, and bounding it keeps
# the parser's work per request small.
_MAX_INPUT = 32


# Numbers already seen, as typed: an agent's dashboard sends the same 50 numbers on every
# refresh, and parsing one costs ~40 us. Only valid numbers are kept (a refusal raises, and
# lru_cache keeps no exception), so strangers cannot fill it with garbage; 4,096 entries
# are ~0.5 MB.
@lru_cache(maxsize=4096)
def normalize_msisdn(text: str) -> str:
    """`8 900 123-45-67`, `+7 (900) 123-45-67`, `79001234567` -> `+79001234567`."""
    if len(text) > _MAX_INPUT:
        raise InvalidMsisdnError("a phone number has at most 32 characters")
    try:
        number = phonenumbers.parse(text, "RU")
    except NumberParseException as exc:
        raise InvalidMsisdnError(f"not a phone number: {text!r}") from exc
    if number.country_code != 7:
        raise InvalidMsisdnError(f"not a Russian number: {text!r}")
    if not phonenumbers.is_valid_number(number):
        raise InvalidMsisdnError(f"not a valid number: {text!r}")
    # +7 is shared with Kazakhstan.
    if phonenumbers.region_code_for_number(number) != "RU":
        raise InvalidMsisdnError(f"not a Russian number: {text!r}")
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise InvalidMsisdnError(f"not a mobile number: {text!r}")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)
