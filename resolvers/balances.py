"""A number's money balance and remaining quotas."""

from __future__ import annotations

from domain.billing import BalanceRecord
from domain.money import Money
from domain.reach import Reach
from resolvers.context import Context
from resolvers.tariffs import current_tariff


async def balance(ctx: Context, who: Reach) -> BalanceRecord | None:
    return await ctx.loaders.balance_by_msisdn.load(who.msisdn)


async def next_charge_amount(ctx: Context, who: Reach) -> Money | None:
    """The monthly fee of the number's tariff (as configured) is what is charged next."""
    tariff = await current_tariff(ctx, who)
    return tariff.monthly_fee if tariff else None
