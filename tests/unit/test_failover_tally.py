"""The failover bench's tally of live balances against billing's ledger (bench/failover.py):
a balance sent covers every top-up of its number up to the line that left that balance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bench.failover import reached_by


def _line(msisdn: str, after: str) -> dict[str, Any]:
    return {"msisdn": msisdn, "balanceAfter": {"amount": after, "units": "RUB"}}


def test_top_ups_landing_together_are_both_reached() -> None:
    ledger = [_line("a", "110"), _line("a", "120"), _line("a", "130"), _line("b", "60")]
    # "a" was sent 110 and then 130 (120 and 130 landed together); "b" nothing.
    reached = reached_by(ledger, {"a": Decimal("130.00")})
    assert (reached.top_ups, reached.current, reached.numbers) == (3, 1, 2)


def test_a_lost_last_event_shows() -> None:
    ledger = [_line("a", "110"), _line("a", "120")]
    reached = reached_by(ledger, {"a": Decimal("110")})
    assert (reached.top_ups, reached.current) == (1, 0)
