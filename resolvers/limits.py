"""Counting attempts against fixed-window limits in the shared security store.

Each call counts one attempt, whether or not it goes on to succeed: a request with 100
aliased logIn fields, or a batch of 100, counts 100."""

from __future__ import annotations

from resolvers.context import Context
from resolvers.errors import RateLimitedError

HOUR = 3600.0
DAY = 86400.0


async def count_attempt(ctx: Context, key: str, limit: int, window: float, what: str) -> None:
    count = await ctx.ports.security.hit(key, window)
    if count > limit:
        now = ctx.clock.now().timestamp()
        raise RateLimitedError(f"too many {what}; try again later", window - now % window)
