"""Looking up subscribers: one, many (dashboards), or the caller itself."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from domain.provisioning import CustomerRecord
from domain.reach import Reach
from resolvers.access import reach_existing, reach_own
from resolvers.context import Context
from resolvers.errors import GatewayError, InvalidInputError


def me(ctx: Context) -> Reach:
    return reach_own(ctx)


async def subscriber(ctx: Context, msisdn: str, fields: Sequence[str] = ()) -> Reach:
    return await reach_existing(ctx, msisdn, fields)


async def subscribers(
    ctx: Context, msisdns: Sequence[str], fields: Sequence[str] = ()
) -> list[Reach | GatewayError]:
    """Each number reached on its own: a forbidden or unknown one fails alone."""
    cap = ctx.limits.max_subscribers_per_query
    if len(msisdns) > cap:
        raise InvalidInputError(f"at most {cap} numbers per query, got {len(msisdns)}")
    results = await asyncio.gather(
        *(reach_existing(ctx, m, fields) for m in msisdns), return_exceptions=True
    )
    out: list[Reach | GatewayError] = []
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, GatewayError):
            raise result
        out.append(result)
    return out


async def customer(ctx: Context, who: Reach) -> CustomerRecord | None:
    return await ctx.loaders.customer_by_msisdn.load(who.msisdn)
