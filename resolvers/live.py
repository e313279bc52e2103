"""Live updates: what a subscription yields when an event about its topic arrives.

Events are published by the gateway's listener routes (from the backends' hubs) on the
topics `balance:<msisdn>`, `order:<msisdn>` and `conversation:<id>`. Each subscription is
authorized once, like a query, and checks the connection's token before every delivery:
an expired token ends the connection."""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson

from adapters.provisioning.http import parse_order
from adapters.support.http import parse_message
from domain.billing import BalanceRecord
from domain.provisioning import OrderRecord
from domain.reach import Reach
from domain.support import MessageRecord
from resolvers.access import reach
from resolvers.context import Context
from resolvers.support import reach_conversation

TOKEN_EXPIRED = 4403


async def still_valid(ctx: Context) -> bool:
    """False (and the connection closed) once the connection's token has expired."""
    expires = ctx.token_expires_at
    if expires is None or ctx.clock.now().timestamp() < expires:
        return True
    if ctx.close_connection is not None:
        await ctx.close_connection(TOKEN_EXPIRED, "token expired")
    return False


async def balance_changes(ctx: Context, msisdn: str) -> AsyncIterator[tuple[BalanceRecord, Reach]]:
    granted = await reach(ctx, msisdn)
    async with ctx.ports.events.follow(f"balance:{msisdn}") as follower:
        while True:
            await follower.next()
            if not await still_valid(ctx):
                return
            # The listener invalidated the cache: this read is billing's current figure.
            found = await ctx.ports.billing.balances([msisdn])
            if msisdn in found:
                yield found[msisdn], granted


async def order_updates(ctx: Context, msisdn: str) -> AsyncIterator[OrderRecord]:
    await reach(ctx, msisdn)
    async with ctx.ports.events.follow(f"order:{msisdn}") as follower:
        while True:
            payload = await follower.next()
            if not await still_valid(ctx):
                return
            yield parse_order(orjson.loads(payload), msisdn)


async def support_messages(ctx: Context, conversation_id: str) -> AsyncIterator[MessageRecord]:
    await reach_conversation(ctx, conversation_id)
    async with ctx.ports.events.follow(f"conversation:{conversation_id}") as follower:
        while True:
            payload = await follower.next()
            if not await still_valid(ctx):
                return
            yield parse_message(orjson.loads(payload), conversation_id)
