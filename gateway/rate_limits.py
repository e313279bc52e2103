"""Requests per principal and per client address, counted in the shared store (Redis) so
that the limits hold across processes. Each operation of a batch counts on its own; the
queries of a batch that run together are counted in one hit per limit (`count_operations`).

Rate limits fail open: if the store is down, requests go through (the endpoint's other
limits still hold); login tries, which fail closed, are counted elsewhere."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from adapters.repeated_log import RepeatedLog
from adapters.security.errors import SecurityStoreUnavailableError
from adapters.security.port import SecurityStore
from domain.principals import AgentPrincipal, Principal, SubscriberPrincipal
from gateway.refusal import RefusedError

log = logging.getLogger(__name__)
# Said on every request while the store is down: once every 10 s is enough.
_not_counted = RepeatedLog(log, logging.WARNING)
WINDOW = 60.0


@dataclass(frozen=True, slots=True)
class RateLimits:
    per_subscriber: int
    per_agent: int
    per_client: int


def _principal_key(principal: Principal) -> tuple[str, str]:
    if isinstance(principal, SubscriberPrincipal):
        return f"rate:subscriber:{principal.msisdn}", "subscriber"
    return f"rate:agent:{principal.name}", "agent"


async def count_operation(
    store: SecurityStore,
    limits: RateLimits,
    principal: Principal | None,
    client: str,
    now: float,
) -> None:
    """Count one operation; RATE_LIMITED (a RefusedError) when it is over a limit."""
    within, refusal = await count_operations(store, limits, principal, client, now, 1)
    if refusal is not None and within < 1:
        raise refusal


async def count_operations(
    store: SecurityStore,
    limits: RateLimits,
    principal: Principal | None,
    client: str,
    now: float,
    n: int,
) -> tuple[int, RefusedError | None]:
    """Count `n` operations at once (a batch's queries: one store hit per limit instead of
    one per operation). Returns how many of them, the first ones, are within every limit,
    and the refusal for the rest: the same operations as counting them one by one."""
    checks = [(f"rate:client:{client}", limits.per_client, "client address")]
    if principal is not None:
        key, kind = _principal_key(principal)
        limit = limits.per_agent if isinstance(principal, AgentPrincipal) else limits.per_subscriber
        checks.append((key, limit, kind))
    try:
        counts = await store.hit_many([key for key, _, _ in checks], WINDOW, n)
    except SecurityStoreUnavailableError as exc:
        _not_counted("rate limits not counted: %s", exc)
        return n, None
    within = n
    refused_by = ""
    for (_, limit, who), count in zip(checks, counts, strict=True):
        # Counted one by one, the i-th operation (from 1) would have seen count - n + i.
        allowed = max(0, min(n, limit - (count - n)))
        if allowed < within:
            within, refused_by = allowed, who
    if within == n:
        return n, None
    retry_after = max(1, int(WINDOW - now % WINDOW + 0.999))
    refusal = RefusedError(
        "RATE_LIMITED",
        f"too many requests for this {refused_by}; try again in {retry_after} s",
        status=429,
        retryAfter=retry_after,
    )
    refusal.headers["Retry-After"] = str(retry_after)
    return within, refusal
