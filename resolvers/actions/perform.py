"""The one way an action runs: reach, key, once, typed refusals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from adapters.errors import BackendNotFoundError, BackendRefusalError
from domain.reach import Reach
from resolvers.actions.outcome import (
    ActionResult,
    RefusedInputError,
    UserErrorRecord,
    decode,
    encode,
    from_refusal,
    reach_for_change,
)
from resolvers.context import Context
from resolvers.idempotency import once, resolve_key

Act = Callable[[Reach, str], Awaitable[ActionResult]]
# The outcome of the action under this (resolved) key if it is known already, else None.
Settled = Callable[[str], Awaitable[ActionResult | None]]


async def perform(
    ctx: Context,
    mutation: str,
    msisdn: str,
    key: str | None,
    inputs: Mapping[str, Any],
    act: Act,
    settled: Settled | None = None,
) -> ActionResult:
    who = await reach_for_change(ctx, msisdn)
    resolved = resolve_key(ctx, key)

    async def run() -> ActionResult:
        try:
            return await act(who, resolved)
        except RefusedInputError as refused:
            return ActionResult(msisdn, user_errors=refused.errors)
        except BackendRefusalError as refusal:
            return from_refusal(msisdn, refusal)
        except BackendNotFoundError:
            return ActionResult(msisdn, user_errors=(UserErrorRecord("NOT_FOUND", "no such item"),))

    async def known() -> ActionResult | None:
        return None if settled is None else await settled(resolved)

    return await once(
        ctx, mutation, resolved, {"msisdn": msisdn, **inputs}, run, encode, decode, known
    )
