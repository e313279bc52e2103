"""Looking up subscribers: one, many (dashboards), or the caller itself."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from domain.provisioning import CustomerRecord
from domain.reach import Reach
from resolvers.access import reach_existing, reach_own
from resolvers.context import Context
from resolvers.errors import GatewayError, InvalidInputError
from resolvers.read_ahead import read_ahead

# `fields`: the fields asked of the number (the agents' audit log); `ahead`: those whose
# records are read ahead (resolvers/read_ahead.py), the deferred ones left out.


async def me(ctx: Context, ahead: Sequence[str] = ()) -> Reach:
    """The caller's own number."""
    granted = reach_own(ctx)
    await read_ahead(ctx, (granted.msisdn,), ahead)
    return granted


async def subscriber(
    ctx: Context, msisdn: str, fields: Sequence[str] = (), ahead: Sequence[str] = ()
) -> Reach:
    granted = await reach_existing(ctx, msisdn, fields)
    await read_ahead(ctx, (msisdn,), ahead)
    return granted


async def subscribers(
    ctx: Context, msisdns: Sequence[str], fields: Sequence[str] = (), ahead: Sequence[str] = ()
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
    await read_ahead(ctx, [r.msisdn for r in out if isinstance(r, Reach)], ahead)
    return out


async def customer(ctx: Context, who: Reach) -> CustomerRecord | None:
    return await ctx.loaders.customer_by_msisdn.load(who.msisdn)
