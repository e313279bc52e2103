"""Spending by category over a period: the charges billing applied, grouped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from adapters.cache.derived import Derived
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


async def expenses(
    ctx: Context, who: Reach, start: date | None, end: date | None
) -> Sequence[ExpenseRecord]:
    begin, finish = period(ctx, start, end)
    charges = await ctx.loaders.charges_by_period.load((who.msisdn, begin, finish))
    return _TOTALS(charges)


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


# Kept with the very charges they came from (adapters/cache/derived.py): a warm screen
# does not add a month's charges again.
_TOTALS = Derived(_totals)
