"""Looking up subscribers: one, many (dashboards), or the caller itself."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from domain.provisioning import CustomerRecord
from domain.reach import Reach
from resolvers.access import no_subscriber, reach, reach_existing, reach_own
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
    # One number after the other, not a task each: granting waits at most once (for the
    # caller's own links), and the numbers' existence is one batch of customer reads.
    reached: list[Reach | GatewayError] = []
    for msisdn in msisdns:
        try:
            reached.append(await reach(ctx, msisdn, fields))
        except GatewayError as refused:
            reached.append(refused)
    customers = {
        r.msisdn: ctx.loaders.customer_by_msisdn.load(r.msisdn)
        for r in reached
        if isinstance(r, Reach)
    }
    for read in customers.values():
        if not read.done():
            with contextlib.suppress(Exception):
                await read
    # Every read's outcome taken, so none is left "never retrieved" when one is raised.
    failures = {msisdn: read.exception() for msisdn, read in customers.items()}
    out: list[Reach | GatewayError] = []
    for granted in reached:
        if isinstance(granted, Reach):
            read = customers[granted.msisdn]
            failed = failures[granted.msisdn]
            if failed is not None:
                if not isinstance(failed, GatewayError):
                    raise failed
                out.append(failed)
                continue
            if read.result() is None:
                out.append(no_subscriber(granted.msisdn))
                continue
        out.append(granted)
    await read_ahead(ctx, [r.msisdn for r in out if isinstance(r, Reach)], ahead)
    return out


async def customer(ctx: Context, who: Reach) -> CustomerRecord | None:
    return await ctx.loaders.customer_by_msisdn.load(who.msisdn)
