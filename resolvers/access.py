"""Who may see which number, decided once per number.

Every field that reads a number's data hangs off a `Subscriber`, and a `Subscriber` is
built only from a `Reach` that this module grants. So a new field under `Subscriber`
cannot forget the check: there is no other way to get at a number.

- a subscriber reaches its own number and the numbers it has confirmed as linked;
- an agent (internal dashboards) reaches any number;
- nobody reaches anything without a valid token.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.audit import AuditEntry
from domain.principals import AgentPrincipal, Principal, SubscriberPrincipal
from domain.reach import Reach
from resolvers.context import Context
from resolvers.errors import (
    ForbiddenError,
    IdentityProviderUnavailableError,
    NotFoundError,
    UnauthenticatedError,
)


def require_principal(ctx: Context) -> Principal:
    if ctx.principal is None:
        message = ctx.auth_problem or "a bearer token is required"
        if ctx.auth_problem_code == IdentityProviderUnavailableError.code:
            raise IdentityProviderUnavailableError(message)
        if ctx.auth_problem_code == ForbiddenError.code:
            raise ForbiddenError(message)
        raise UnauthenticatedError(message)
    return ctx.principal


def reach_own(ctx: Context) -> Reach:
    principal = require_principal(ctx)
    if not isinstance(principal, SubscriberPrincipal):
        raise ForbiddenError("an agent token has no number of its own; use subscriber()")
    return Reach(principal.msisdn, principal)


async def reach(ctx: Context, msisdn: str, fields: Sequence[str] = ()) -> Reach:
    """`fields` are the fields asked of the number, for the agents' audit log."""
    principal = require_principal(ctx)
    if isinstance(principal, AgentPrincipal):
        entry = AuditEntry(ctx.clock.now(), principal.name, msisdn, tuple(fields), ctx.request_id)
        ctx.ports.audit.record(entry)
        ctx.ports.audit_store.append(entry)
        return Reach(msisdn, principal)
    if principal.msisdn == msisdn:
        return Reach(msisdn, principal)
    links = await ctx.loaders.links_by_owner.load(principal.msisdn)
    if any(link.msisdn == msisdn for link in links):
        return Reach(msisdn, principal)
    # The same answer whether or not the number exists: no enumeration through errors.
    raise ForbiddenError("this number is not yours or linked to you")


async def reach_existing(ctx: Context, msisdn: str, fields: Sequence[str] = ()) -> Reach:
    """`reach`, and the number must be one of the operator's subscribers."""
    granted = await reach(ctx, msisdn, fields)
    if await ctx.loaders.customer_by_msisdn.load(msisdn) is None:
        raise no_subscriber(msisdn)
    return granted


def no_subscriber(msisdn: str) -> NotFoundError:
    """A number reached that is none of the operator's subscribers."""
    return NotFoundError(f"no subscriber with number {msisdn}")


def reach_of_session(msisdn: str) -> Reach:
    """A session just started for `msisdn` (a login, a refresh): its own number, which its
    access token reaches."""
    return Reach(msisdn, SubscriberPrincipal(msisdn))


def reach_acted_on(msisdn: str, principal: Principal) -> Reach:
    """The number an action was just allowed on (the action reached it before it ran), so
    that its payload shows the number as it is now."""
    return Reach(msisdn, principal)
