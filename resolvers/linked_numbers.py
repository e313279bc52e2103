"""Numbers linked to an account, and reaching their data."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.provisioning.records import LinkRecord
from resolvers.access import Reach, reach
from resolvers.context import Context


async def linked_numbers(ctx: Context, who: Reach) -> Sequence[LinkRecord]:
    return await ctx.loaders.links_by_owner.load(who.msisdn)


async def linked_subscriber(ctx: Context, link: LinkRecord) -> Reach:
    """The same check as any other number: an agent, or the principal's own link."""
    return await reach(ctx, link.msisdn)
