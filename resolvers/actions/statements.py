"""Ordering a detailed statement (детализация), delivered by e-mail."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from adapters.cache.number_reads import NumberRead
from domain.reach import Reach
from resolvers.actions.outcome import ActionResult, backend_key, refuse
from resolvers.actions.perform import perform
from resolvers.changes import changing
from resolvers.context import Context

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
FORMATS = frozenset({"pdf", "xlsx"})


def check_email(email: str) -> str:
    email = email.strip()
    if len(email) > 254 or not EMAIL.match(email):
        raise refuse("INVALID_EMAIL", "not a valid e-mail address", "email")
    return email


def _months_back(today: date, months: int) -> date:
    month = today.month - months
    year = today.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


async def order_statement(
    ctx: Context,
    msisdn: str,
    start: date,
    end: date,
    email: str,
    fmt: str,
    key: str | None,
) -> ActionResult:
    async def act(who: Reach, resolved: str) -> ActionResult:
        today = ctx.clock.now().date()
        earliest = _months_back(today, ctx.action_rules.statement_months_back)
        if start > end:
            raise refuse("INVALID_PERIOD", "`from` is after `to`", "from")
        if start < earliest:
            raise refuse(
                "INVALID_PERIOD", f"a statement starts on {earliest} at the earliest", "from"
            )
        if end > today:
            raise refuse("INVALID_PERIOD", "a statement ends today at the latest", "to")
        address = check_email(email)
        if fmt not in FORMATS:
            raise refuse("INVALID_INPUT", "pdf or xlsx", "format")
        # The payload's `statements` shows the new one.
        async with changing(ctx, [msisdn], NumberRead.STATEMENTS):
            statement = await ctx.ports.billing.actions.order_statement(
                msisdn,
                datetime.combine(start, time.min, UTC),
                datetime.combine(end + timedelta(days=1), time.min, UTC),
                address,
                fmt,
                backend_key(ctx, "orderStatement", resolved, "statement"),
            )
        return ActionResult(msisdn, {"statementId": statement.id, "state": statement.state})

    inputs = {"from": start.isoformat(), "to": end.isoformat(), "email": email, "format": fmt}
    return await perform(ctx, "orderStatement", msisdn, key, inputs, act)
