"""The supervisors' view of the audit log: which agent read which number, when, which
fields; paged and filterable, served from the audit store (adapters/audit_store.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.audit_store import (
    AuditFilter,
    AuditPage,
    AuditStoreUnavailableError,
    InvalidCursorError,
)
from domain.principals import AgentPrincipal
from resolvers.access import require_principal
from resolvers.context import Context
from resolvers.errors import ForbiddenError, InvalidInputError, TemporarilyUnavailableError

MAX_PAGE = 200


def _utc(moment: datetime | None) -> datetime | None:
    # A time without a zone is taken as UTC, the zone the log is kept in.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


async def audit_log(
    ctx: Context,
    *,
    agent: str | None,
    msisdn: str | None,
    since: datetime | None,
    until: datetime | None,
    first: int,
    after: str | None,
) -> AuditPage:
    principal = require_principal(ctx)
    if not isinstance(principal, AgentPrincipal) or not principal.supervisor:
        raise ForbiddenError("the audit log is for supervisors")
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInputError(f"first must be between 1 and {MAX_PAGE}", field="first")
    since, until = _utc(since), _utc(until)
    if since is not None and until is not None and since >= until:
        raise InvalidInputError("from must be before to", field="from")
    where = AuditFilter(agent=agent, msisdn=msisdn, since=since, until=until)
    try:
        return await ctx.ports.audit_store.page(where, first, after)
    except InvalidCursorError as exc:
        raise InvalidInputError("the cursor is not valid", field="after") from exc
    except AuditStoreUnavailableError as exc:
        raise TemporarilyUnavailableError("the audit log cannot be read now; try again") from exc
