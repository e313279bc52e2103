"""Counting attempts against fixed-window limits in the shared security store.

`count_attempt` counts every call, whether or not it goes on to succeed: a request with
100 aliased logIn fields, or a batch of 100, counts 100.

`spend` takes one from several budgets at once, all or none, and `give_back` returns them:
so a refused request, or a right password, spends nothing, while concurrent attempts are
still each counted before anything is compared (the budget is taken first, atomically)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from resolvers.context import Context
from resolvers.errors import RateLimitedError
from resolvers.waits import try_again_in

HOUR = 3600.0
DAY = 86400.0


def _until_window_ends(ctx: Context, window: float) -> float:
    return window - ctx.clock.now().timestamp() % window


async def count_attempt(ctx: Context, key: str, limit: int, window: float, what: str) -> None:
    count = await ctx.ports.security.hit(key, window)
    if count > limit:
        wait = _until_window_ends(ctx, window)
        raise RateLimitedError(f"too many {what}; {try_again_in(wait)}", wait)


@dataclass(frozen=True, slots=True)
class Budget:
    """At most `limit` under `key` per fixed window of `window` seconds; `what` names the
    budget in the refusal ("codes to this number")."""

    key: str
    limit: int
    window: float
    what: str


@dataclass(frozen=True, slots=True)
class Spent:
    """What `spend` took: (budget, the window it was taken in), to give back."""

    taken: tuple[tuple[Budget, int], ...]


async def spend(ctx: Context, budgets: Sequence[Budget]) -> Spent:
    """Take one from each budget, or RATE_LIMITED (having taken nothing) naming the first
    budget that is used up and when its window ends."""
    taken: list[tuple[Budget, int]] = []
    for budget in budgets:
        slot = await ctx.ports.security.spend(budget.key, budget.window, budget.limit)
        if slot is None:
            await give_back(ctx, Spent(tuple(taken)))
            wait = _until_window_ends(ctx, budget.window)
            raise RateLimitedError(f"too many {budget.what}; {try_again_in(wait)}", wait)
        taken.append((budget, slot))
    return Spent(tuple(taken))


async def give_back(ctx: Context, spent: Spent) -> None:
    for budget, slot in spent.taken:
        await ctx.ports.security.refund(budget.key, budget.window, slot)
