"""Numbers linked to an account (confirmed and pending), and reaching their data."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from adapters.security.errors import SecurityStoreUnavailableError
from domain.reach import Reach
from resolvers.access import reach
from resolvers.context import Context
from resolvers.linking import LinkView
from resolvers.read_ahead import read_ahead

log = logging.getLogger(__name__)


async def linked_numbers(ctx: Context, who: Reach) -> list[LinkView]:
    links = await ctx.loaders.links_by_owner.load(who.msisdn)
    views = [LinkView(link.msisdn, link.alias, True, link) for link in links]
    try:
        pending = await ctx.loaders.pending_by_owner.load(who.msisdn)
    except SecurityStoreUnavailableError as exc:
        # Pending links are a convenience on a read path: show the confirmed ones.
        log.warning("pending links unavailable: %s", exc)
        pending = {}
    confirmed = {v.msisdn for v in views}
    now = ctx.clock.now().timestamp()
    views += [
        LinkView(m, link.alias, False, None)
        for m, link in pending.items()
        if m not in confirmed and link.current(now)
    ]
    return views


async def linked_subscriber(
    ctx: Context, link: LinkView, fields: Sequence[str] = (), ahead: Sequence[str] = ()
) -> Reach:
    """The same check as any other number: an agent, or the principal's confirmed link.
    `ahead`: the fields whose records are read ahead (resolvers/read_ahead.py)."""
    granted = await reach(ctx, link.msisdn, fields)
    await read_ahead(ctx, (link.msisdn,), ahead)
    return granted
