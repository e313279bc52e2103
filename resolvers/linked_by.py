"""Who links to a number: the owners of confirmed links that manage it. For agents only (a
subscriber sees the numbers it manages, not who manages its own)."""

from __future__ import annotations

from collections.abc import Sequence

from domain.principals import AgentPrincipal
from domain.provisioning import LinkRecord
from domain.reach import Reach
from resolvers.access import require_principal
from resolvers.context import Context
from resolvers.errors import ForbiddenError


async def linked_by(ctx: Context, who: Reach) -> Sequence[LinkRecord]:
    if not isinstance(require_principal(ctx), AgentPrincipal):
        raise ForbiddenError("who links to a number is for agents")
    found = await ctx.ports.provisioning.linked_by([who.msisdn])
    return found.get(who.msisdn, ())
