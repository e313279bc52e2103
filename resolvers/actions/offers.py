"""Activating a partner offer: the first time, joining the programme with an e-mail."""

from __future__ import annotations

from adapters.cache.number_reads import NumberRead
from domain.reach import Reach
from resolvers.actions.outcome import ActionResult, backend_key, refuse
from resolvers.actions.perform import perform
from resolvers.actions.statements import check_email
from resolvers.changes import changing
from resolvers.context import Context


async def activate_offer(
    ctx: Context,
    msisdn: str,
    offer_id: str,
    email: str | None,
    name: str | None,
    key: str | None,
) -> ActionResult:
    async def act(who: Reach, resolved: str) -> ActionResult:
        offers = {p.id for p in await ctx.ports.loyalty.promotions()}
        if offer_id not in offers:
            raise refuse("NOT_FOUND", "no such offer", "offerId")
        active = await ctx.loaders.activations_by_msisdn.load(msisdn)
        if any(a.promotion_id == offer_id for a in active):
            raise refuse("OFFER_ALREADY_ACTIVE", "this offer is already active", "offerId")
        member = (await ctx.ports.loyalty.members([msisdn])).get(msisdn, False)
        if not member:
            if not email:
                raise refuse("EMAIL_REQUIRED", "the first activation needs an e-mail", "email")
            if name is not None and len(name) > 100:
                raise refuse("INVALID_INPUT", "a name has at most 100 characters", "name")
            await ctx.ports.loyalty.join(
                msisdn,
                check_email(email),
                name,
                backend_key(ctx, "activateOffer", resolved, "join"),
            )
        async with changing(ctx, [msisdn], NumberRead.ACTIVATIONS):
            activation = await ctx.ports.loyalty.activate(
                msisdn, offer_id, backend_key(ctx, "activateOffer", resolved, "activate")
            )
        return ActionResult(msisdn, {"offerId": offer_id, "promoCode": activation.promo_code or ""})

    inputs = {"offerId": offer_id, "email": email, "name": name}
    return await perform(ctx, "activateOffer", msisdn, key, inputs, act)
