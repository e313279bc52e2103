"""Partner offers of the loyalty programme, and which a number has activated."""

from __future__ import annotations

from dataclasses import dataclass

from domain.loyalty import PromotionRecord
from domain.reach import Reach
from resolvers.context import Context


@dataclass(frozen=True, slots=True)
class OfferView:
    promotion: PromotionRecord
    # None when asked without a number (the catalog of offers).
    activated: bool | None
    promo_code: str | None


async def offers(ctx: Context) -> list[OfferView]:
    return [OfferView(p, None, None) for p in await ctx.ports.loyalty.promotions()]


async def offers_of(ctx: Context, who: Reach) -> list[OfferView]:
    promotions = await ctx.ports.loyalty.promotions()
    codes = {
        a.promotion_id: a.promo_code
        for a in await ctx.loaders.activations_by_msisdn.load(who.msisdn)
    }
    return [OfferView(p, p.id in codes, codes.get(p.id)) for p in promotions]
