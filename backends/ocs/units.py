"""Amounts as OCS writes and reads them: strings with the unit folded in.

``cents`` is money in currency units (``"412.5"``, at most six decimals), ``octets`` is
``"12250000000b"`` (input also takes ``k``/``m``/``g``: powers of ten, ``"1g"`` is
``1000000000b``), ``seconds`` is ``"900s"`` and ``messages`` is ``"50msg"``. The world's
gigabytes are decimal (10^9 octets) and its minutes are 60 seconds.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

CENTS = "cents"
OCTETS = "octets"
SECONDS = "seconds"
MESSAGES = "messages"
UNITS = (CENTS, OCTETS, SECONDS, MESSAGES)

OCTETS_PER_GB = 10**9
SECONDS_PER_MINUTE = 60
MONEY_DECIMALS = 6

_SUFFIXES = {OCTETS: "b", SECONDS: "s", MESSAGES: "msg"}
_OCTET_MULTIPLIERS = {"": 1, "b": 1, "k": 10**3, "m": 10**6, "g": 10**9}
_OCTETS = re.compile(r"(\d+(?:\.\d+)?)([bkmg]?)", re.IGNORECASE)
_COUNT = {SECONDS: re.compile(r"(\d+)s?"), MESSAGES: re.compile(r"(\d+)(?:msg)?")}


def format_amount(units: str, amount: Decimal) -> str:
    """``("cents", Decimal("412.50"))`` -> ``"412.5"``; ``("octets", 5e9)`` -> ``"5000000000b"``."""
    if units == CENTS:
        # OCS writes the shortest form: "25" for 25.00, "-150" for -150.00.
        return f"{amount.normalize():f}"
    return f"{int(amount)}{_SUFFIXES[units]}"


def parse_amount(units: str, raw: Any) -> Decimal:
    """A request's amount in ``units``; raises ValueError when it does not read."""
    if units == CENTS:
        return _money(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Decimal(raw)
    if not isinstance(raw, str):
        raise ValueError(f"an amount of {units} is a string, not {raw!r}")
    if units == OCTETS:
        match = _OCTETS.fullmatch(raw.strip())
        if match is None:
            raise ValueError(f"not an octets amount: {raw!r}")
        octets = Decimal(match.group(1)) * _OCTET_MULTIPLIERS[match.group(2).lower()]
        if octets != octets.to_integral_value():
            raise ValueError(f"not a whole number of octets: {raw!r}")
        return octets
    match = _COUNT[units].fullmatch(raw.strip())
    if match is None:
        raise ValueError(f"not an amount of {units}: {raw!r}")
    return Decimal(match.group(1))


def _money(raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise ValueError(f"a cents amount is a decimal string, not {raw!r}")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"not a cents amount: {raw!r}") from None
    exponent = amount.normalize().as_tuple().exponent
    if not amount.is_finite() or (isinstance(exponent, int) and exponent < -MONEY_DECIMALS):
        raise ValueError(f"a cents amount has at most {MONEY_DECIMALS} decimals: {raw!r}")
    return amount
