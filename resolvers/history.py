"""A number's recent money and paperwork: the top-ups paid for it (payments, TMF676) and
the statements ordered for it (billing, TMF678 customerBillOnDemand), newest first.

Read through the request's loaders, one call per backend for a batch of numbers, and not
cached (docs/decisions.md, "Top-ups and statements are read, not kept"): a top-up must
show the moment `topUp` answers, and a statement's state moves in billing on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from domain.billing import OrderedStatementRecord
from domain.payments import TopUpPaymentRecord
from domain.reach import Reach
from resolvers.context import Context
from resolvers.errors import InvalidInputError

MAX_FIRST = 50
T = TypeVar("T")


def _check(first: int) -> None:
    if not 1 <= first <= MAX_FIRST:
        raise InvalidInputError(f"first must be between 1 and {MAX_FIRST}", field="first")


def _newest(oldest_first: Sequence[T], first: int) -> list[T]:
    return list(reversed(oldest_first))[:first]


async def top_ups(ctx: Context, who: Reach, first: int) -> list[TopUpPaymentRecord]:
    _check(first)
    found = await ctx.loaders.top_ups_by_msisdn.load(who.msisdn)
    # Stable: payments made within one second keep the order payments listed them in.
    return _newest(sorted(found, key=lambda r: r.paid_at), first)


async def statements(ctx: Context, who: Reach, first: int) -> list[OrderedStatementRecord]:
    _check(first)
    found = await ctx.loaders.statements_by_msisdn.load(who.msisdn)
    return _newest(sorted(found, key=lambda r: r.ordered_at), first)
