"""OCS amounts and timestamps read exactly, checked against the recorded answers and
requests (what the system wrote back for what it was sent)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from adapters.billing.ocs.timestamps import format_ocs_timestamp, parse_ocs_timestamp
from adapters.billing.ocs.units import (
    Quantity,
    format_cents,
    octets_to_gb,
    parse_octets,
    parse_quantity,
    seconds_to_minutes,
)
from tests.ocs.captures import (
    BUCKET,
    PRODUCT,
    PRODUCT_BALANCE,
    SERVICE_BALANCE,
    TOP_UP,
    TOP_UP_OCTETS,
    capture,
    request_body,
)


def test_a_top_up_of_1g_is_recorded_as_10_to_the_9_octets() -> None:
    """The evidence for decimal GB: OCS answered `"1g"` with `"1000000000b"`."""
    sent = parse_quantity(request_body("topup_svc.json")["amount"])
    answered = parse_quantity(capture(TOP_UP_OCTETS).json()["remainedAmount"])
    assert sent == answered == Quantity("octets", Decimal(1_000_000_000))
    assert answered is not None
    assert octets_to_gb(answered.amount) == Decimal(1)


def test_money_keeps_the_systems_shortest_form_exactly() -> None:
    """`"50.00"` sent comes back `"50"`: the same amount, read as an exact Decimal."""
    sent = parse_quantity(request_body("topup.json")["amount"])
    answered = parse_quantity(capture(TOP_UP).json()["remainedAmount"])
    assert sent == answered == Quantity("cents", Decimal(50))
    assert parse_quantity(capture(BUCKET).json()["remainedAmount"]) == answered


def test_product_inventory_writes_octets_as_a_bare_integer() -> None:
    balance = {b["name"]: b["totalBalance"] for b in capture(PRODUCT).json()["balance"]}
    assert balance["octets"]["amount"] == 6_000_000_000  # a JSON number, not a string
    assert parse_quantity(balance["octets"]) == Quantity("octets", Decimal(6_000_000_000))
    assert parse_quantity(balance["cents"]) == Quantity("cents", Decimal(25))


@pytest.mark.parametrize("name", [PRODUCT_BALANCE, SERVICE_BALANCE])
def test_accumulated_totals_read_in_their_units(name: str) -> None:
    totals = [parse_quantity(t) for t in capture(name).json()["totalBalance"]]
    assert totals == [Quantity("octets", Decimal(6_000_000_000)), Quantity("cents", Decimal(25))]


@pytest.mark.parametrize(
    ("raw", "octets"),
    [
        ("5000000000b", 5_000_000_000),
        ("5000000000", 5_000_000_000),
        (5_000_000_000, 5_000_000_000),
        ("1g", 1_000_000_000),
        ("1.5G", 1_500_000_000),
        ("250m", 250_000_000),
        ("64k", 64_000),
        ("0b", 0),
    ],
)
def test_octets_in_every_form_the_system_takes(raw: str | int, octets: int) -> None:
    assert parse_octets(raw) == Decimal(octets)


@pytest.mark.parametrize("raw", ["5gb", "b", "1.5", "1.0000000005g", "", None, True, 1.5])
def test_octets_that_do_not_read_are_refused(raw: object) -> None:
    with pytest.raises(ValueError, match="octets"):
        parse_octets(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"units": "cents", "amount": "12.345678"}, Quantity("cents", Decimal("12.345678"))),
        ({"units": "cents", "amount": "-25"}, Quantity("cents", Decimal(-25))),
        ({"units": "seconds", "amount": "900s"}, Quantity("seconds", Decimal(900))),
        ({"units": "seconds", "amount": 90}, Quantity("seconds", Decimal(90))),
        ({"units": "messages", "amount": "50msg"}, Quantity("messages", Decimal(50))),
        ({"units": "Octets", "amount": "2g"}, Quantity("octets", Decimal(2 * 10**9))),
        ({"units": "tokens", "amount": "5"}, None),
    ],
)
def test_quantities(raw: dict[str, object], expected: Quantity | None) -> None:
    assert parse_quantity(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        {"units": "cents"},
        {"units": "cents", "amount": "12,5"},
        {"units": "seconds", "amount": "15m"},
        {"units": "messages", "amount": "five"},
    ],
)
def test_quantities_that_do_not_read_are_refused(raw: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_quantity(raw)


def test_seconds_become_minutes_and_octets_gigabytes_exactly() -> None:
    assert seconds_to_minutes(Decimal(15000)) == Decimal(250)
    assert seconds_to_minutes(Decimal(90)) == Decimal("1.5")
    assert octets_to_gb(Decimal(12_250_000_000)) == Decimal("12.25")


@pytest.mark.parametrize(
    ("amount", "text"),
    [(Decimal("50.00"), "50.00"), (Decimal("1E+2"), "100"), (Decimal("0.000001"), "0.000001")],
)
def test_money_is_written_as_a_plain_decimal(amount: Decimal, text: str) -> None:
    assert format_cents(amount) == text


def test_money_finer_than_a_millionth_is_refused() -> None:
    with pytest.raises(ValueError, match="decimals"):
        format_cents(Decimal("0.0000001"))
    assert format_cents(Decimal("1.0000000")) == "1.0000000"


def test_timestamps_are_naive_utc_both_ways() -> None:
    recorded = capture(BUCKET).json()["validFor"]
    assert parse_ocs_timestamp(recorded["endDateTime"]) == datetime(2027, 11, 1, tzinfo=UTC)
    assert parse_ocs_timestamp("2026-12-25T11:49:56.999") == datetime(
        2026, 12, 25, 11, 49, 56, 999000, UTC
    )
    moscow = timezone(timedelta(hours=3))
    assert (
        format_ocs_timestamp(datetime(2026, 11, 25, 14, 50, 5, 123456, moscow))
        == "2026-11-25T11:50:05.123"
    )
    # What the system itself wrote in the recorded request.
    start = request_body("topup.json")["validFor"]["startDateTime"]
    assert format_ocs_timestamp(parse_ocs_timestamp(start)) == start
