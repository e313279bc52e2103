"""Spending by category over a period: the charges billing applied, grouped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from domain.billing import ChargeRecord
from domain.money import Money
from domain.reach import Reach
from resolvers.context import Context
from resolvers.errors import InvalidInputError

# Long enough for any statement a subscriber reads on screen; a longer one is a
# detailed statement ordered by e-mail.
MAX_PERIOD_DAYS = 366


@dataclass(frozen=True, slots=True)
class ExpenseRecord:
    category: str
    amount: Money


def period(ctx: Context, start: date | None, end: date | None) -> tuple[datetime, datetime]:
    """[start, end] in whole days (UTC); by default this month so far."""
    today = ctx.clock.now().date()
    first = start or today.replace(day=1)
    last = end or today
    if first > last:
        raise InvalidInputError("`from` is after `to`")
    if (last - first).days > MAX_PERIOD_DAYS:
        raise InvalidInputError(f"a period is at most {MAX_PERIOD_DAYS} days")
    return (
        datetime.combine(first, time.min, UTC),
        datetime.combine(last + timedelta(days=1), time.min, UTC),
    )


# Totals worked out from a number's charges, kept with the very charges they came from:
# a kept read decoded once (adapters/cache/decoded.py) is the same object on every screen
# until it changes, so a warm screen does not add a month's charges again. Bounded.
_KEPT = 4096
_totals_of: dict[int, tuple[Sequence[ChargeRecord], tuple[ExpenseRecord, ...]]] = {}


async def expenses(
    ctx: Context, who: Reach, start: date | None, end: date | None
) -> Sequence[ExpenseRecord]:
    begin, finish = period(ctx, start, end)
    charges = await ctx.loaders.charges_by_period.load((who.msisdn, begin, finish))
    kept = _totals_of.get(id(charges))
    if kept is not None and kept[0] is charges:
        return kept[1]
    totals = _totals(charges)
    if len(_totals_of) >= _KEPT:
        del _totals_of[next(iter(_totals_of))]
    # The charges are held beside their totals: their id cannot be another's meanwhile.
    _totals_of[id(charges)] = (charges, totals)
    return totals


def _totals(charges: Sequence[ChargeRecord]) -> tuple[ExpenseRecord, ...]:
    totals: dict[str, Money] = {}
    for charge in charges:
        previous = totals.get(charge.category)
        totals[charge.category] = previous + charge.amount if previous else charge.amount
    # Biggest spending first: that is what the home screen's chart shows.
    return tuple(
        ExpenseRecord(category, amount)
        for category, amount in sorted(totals.items(), key=lambda kv: -kv[1].amount)
    )
