"""Partner offers of the loyalty programme, and which a number has activated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from adapters.cache.derived import DerivedFromTwo
from domain.loyalty import ActivationRecord, PromotionRecord
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


async def offers_of(ctx: Context, who: Reach) -> Sequence[OfferView]:
    promotions = await ctx.ports.loyalty.promotions()
    return _OFFERS_OF(promotions, await ctx.loaders.activations_by_msisdn.load(who.msisdn))


def _offers_of(
    promotions: Sequence[PromotionRecord], activations: Sequence[ActivationRecord]
) -> tuple[OfferView, ...]:
    codes = {a.promotion_id: a.promo_code for a in activations}
    return tuple(OfferView(p, p.id in codes, codes.get(p.id)) for p in promotions)


# Once per offers and activations read (adapters/cache/derived.py): most numbers have
# activated nothing, and share one answer.
_OFFERS_OF = DerivedFromTwo(_offers_of)
