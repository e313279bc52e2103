from __future__ import annotations

from decimal import Decimal

import pytest

from domain.money import Money, parse_money, to_decimal


def test_both_tmf_shapes_become_one_money() -> None:
    assert parse_money({"unit": "RUB", "value": 12.5}) == Money(Decimal("12.5"), "RUB")
    assert parse_money({"units": "RUB", "amount": "12.50"}) == Money(Decimal("12.50"), "RUB")


def test_floats_keep_their_decimal_meaning() -> None:
    assert to_decimal(0.1) == Decimal("0.1")
    assert parse_money({"amount": 0.1, "units": "RUB"}).amount + Decimal("0.2") == Decimal("0.3")


@pytest.mark.parametrize("bad", [None, True, "abc", "NaN", "Infinity", {}])
def test_non_amounts_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="amount"):
        to_decimal(bad)


def test_money_adds_only_the_same_currency() -> None:
    assert Money(Decimal(1), "RUB") + Money(Decimal(2), "RUB") == Money(Decimal(3), "RUB")
    with pytest.raises(ValueError, match="cannot add"):
        Money(Decimal(1), "RUB") + Money(Decimal(1), "USD")
