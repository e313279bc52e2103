"""Giving gigabytes to another subscriber of the operator, any region."""

from __future__ import annotations

from adapters.cache.number_reads import NumberRead
from domain.quotas import QuotaKind
from domain.reach import Reach
from resolvers.actions.outcome import ActionResult, backend_key, refuse
from resolvers.actions.perform import perform
from resolvers.changes import changing
from resolvers.context import Context


async def share_data(
    ctx: Context, sender: str, receiver: str, gigabytes: int, key: str | None
) -> ActionResult:
    rules = ctx.action_rules

    async def act(who: Reach, resolved: str) -> ActionResult:
        if not rules.share_min_gb <= gigabytes <= rules.share_max_gb:
            raise refuse(
                "INVALID_AMOUNT",
                f"whole gigabytes, {rules.share_min_gb} to {rules.share_max_gb}",
                "gigabytes",
            )
        if receiver == sender:
            raise refuse("INVALID_INPUT", "gigabytes go to another number", "toMsisdn")
        if await ctx.loaders.customer_by_msisdn.load(receiver) is None:
            raise refuse("NOT_OPERATOR_NUMBER", "only numbers of this operator", "toMsisdn")
        balance = await ctx.loaders.balance_by_msisdn.load(sender)
        giveable = sum(
            q.remaining
            for q in (balance.quotas if balance else ())
            if q.kind is QuotaKind.DATA and not q.unlimited
        )
        if giveable < gigabytes:
            raise refuse(
                "INSUFFICIENT_BALANCE",
                f"{giveable:g} GB left to give",
                "gigabytes",
            )
        async with changing(ctx, [sender, receiver], NumberRead.BALANCE):
            transfer = await ctx.ports.billing.actions.transfer_data(
                sender, receiver, gigabytes, backend_key(ctx, "shareData", resolved, "transfer")
            )
        return ActionResult(sender, {"transferId": transfer.id, "gigabytes": str(gigabytes)})

    inputs = {"toMsisdn": receiver, "gigabytes": gigabytes}
    return await perform(ctx, "shareData", sender, key, inputs, act)
