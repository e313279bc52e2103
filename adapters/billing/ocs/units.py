"""OCS amounts: every one is a string with its unit folded in, read into exact Decimals.

- ``cents`` is money in *currency units* despite the name, as a decimal string with up
  to six decimals (``"12.345678"``, ``"25"``, ``"-25"``).
- ``octets`` is ``"5000000000b"``; input also takes ``k``/``m``/``g`` suffixes, and
  product inventory writes a bare integer. The suffixes are powers of ten: the system
  answers a top-up of ``"1g"`` with a bucket of ``"1000000000b"``.
- ``seconds`` is ``"<n>s"`` and ``messages`` is ``"<n>msg"``.

A gigabyte here is 10^9 octets (decimal GB), for the same reason: the captured offering
sells "5GB included" as ``5000000000b``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from domain.money import to_decimal

OCTETS_PER_GB = Decimal(10) ** 9
SECONDS_PER_MINUTE = Decimal(60)
# What OCS stores money in: millionths of a currency unit.
MONEY_DECIMALS = 6

_OCTET_MULTIPLIERS = {"": 1, "b": 1, "k": 10**3, "m": 10**6, "g": 10**9}
_OCTETS = re.compile(r"(-?\d+(?:\.\d+)?)([bkmg]?)", re.IGNORECASE)
_SECONDS = re.compile(r"(-?\d+)s?")
_MESSAGES = re.compile(r"(-?\d+)(?:msg)?")

CENTS = "cents"
OCTETS = "octets"
SECONDS = "seconds"
MESSAGES = "messages"


@dataclass(frozen=True, slots=True)
class Quantity:
    """An amount in one of the four OCS units, as an exact Decimal of the base unit
    (currency units, octets, seconds or messages)."""

    units: str
    amount: Decimal


def parse_quantity(data: Mapping[str, Any]) -> Quantity | None:
    """``{"amount": "5000000000b", "units": "octets"}`` -> Quantity; None for units this
    adapter does not know (a newer OCS may add some: skip them rather than fail).

    Raises ValueError on an amount that does not read in its units.
    """
    units = str(data.get("units") or "").lower()
    if "amount" not in data:
        raise ValueError(f"no amount in {dict(data)!r}")
    raw = data["amount"]
    if units == CENTS:
        return Quantity(CENTS, to_decimal(raw))
    if units == OCTETS:
        return Quantity(OCTETS, parse_octets(raw))
    if units == SECONDS:
        return Quantity(SECONDS, _counted(raw, _SECONDS, "seconds"))
    if units == MESSAGES:
        return Quantity(MESSAGES, _counted(raw, _MESSAGES, "messages"))
    return None


def parse_octets(raw: Any) -> Decimal:
    """``"5000000000b"``, ``"1g"``, ``"1.5m"``, ``"42"`` or ``42`` -> whole octets."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Decimal(raw)
    match = _OCTETS.fullmatch(str(raw).strip()) if isinstance(raw, str) else None
    if match is None:
        raise ValueError(f"not an octets amount: {raw!r}")
    octets = Decimal(match.group(1)) * _OCTET_MULTIPLIERS[match.group(2).lower()]
    if octets != octets.to_integral_value():
        raise ValueError(f"not a whole number of octets: {raw!r}")
    return octets


def _counted(raw: Any, pattern: re.Pattern[str], what: str) -> Decimal:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Decimal(raw)
    match = pattern.fullmatch(raw.strip()) if isinstance(raw, str) else None
    if match is None:
        raise ValueError(f"not an amount of {what}: {raw!r}")
    return Decimal(match.group(1))


def octets_to_gb(octets: Decimal) -> Decimal:
    return octets / OCTETS_PER_GB


def seconds_to_minutes(seconds: Decimal) -> Decimal:
    """Exact where it can be (90 s is 1.5 min); OCS rates by the second, so a remaining
    part-minute is real allowance and is kept rather than rounded away."""
    return seconds / SECONDS_PER_MINUTE


def format_cents(amount: Decimal) -> str:
    """A money amount as OCS takes it: a plain decimal string (``"50.00"``, never an
    exponent), at most six decimals; raises ValueError for finer amounts, which OCS
    would round without saying so."""
    if not amount.is_finite():
        raise ValueError(f"not a finite amount: {amount}")
    # Trailing zeros are not precision: 1.0000000 is fine, 1.0000001 is not.
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MONEY_DECIMALS:
        raise ValueError(f"OCS keeps at most {MONEY_DECIMALS} decimals, not {amount}")
    return f"{amount:f}"
