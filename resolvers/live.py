"""Live updates: what a subscription yields when an event about its topic arrives.

Events are published by the gateway's listener routes (from the backends' hubs) on the
topics `balance:<msisdn>`, `order:<msisdn>` and `conversation:<id>`, and every support
message also on the agents' inbox topic (`SUPPORT_INBOX`). Each subscription is
authorized once, like a query, and checks the connection's token before every delivery:
an expired token ends the connection.

A subscription outlives one failed event: when reading what changed fails (a backend
down, an answer it could not use), the client gets that event as an error -- the same
masked error with a stable code (BACKEND_UNAVAILABLE, BACKEND_TIMEOUT, BACKEND_ERROR) as
over HTTP -- and the subscription keeps listening. It ends only when the principal lost
access to the number (FORBIDDEN, checked again on each event) or its token expired (4403).

Pub/sub keeps nothing: when the event bus lost its node and moved (a RESYNC), whatever
was published meanwhile is gone. A balance subscription reads the balance again and sends
it; an order or conversation subscription cannot rebuild the moves it missed, so it sends
one error `next` with the code RESYNC_REQUIRED (the client refetches `orders` / the
conversation) and goes on listening.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from adapters.errors import BackendError
from adapters.events.bus import RESYNC
from adapters.events.records import decode_event
from domain.billing import BalanceRecord
from domain.events import SUPPORT_INBOX, MessagePosted, OrderUpdated
from domain.principals import AgentPrincipal
from domain.provisioning import OrderRecord
from domain.reach import Reach
from domain.support import MessageRecord
from resolvers.access import reach, require_principal
from resolvers.context import Context
from resolvers.errors import ForbiddenError, GatewayError
from resolvers.support import reach_conversation

TOKEN_EXPIRED = 4403
log = logging.getLogger(__name__)


class EventFailedError(GatewayError):
    """One event could not be read. Masked as over HTTP: the backend's name and the code
    of what happened (BACKEND_UNAVAILABLE, BACKEND_TIMEOUT, BACKEND_ERROR), never its
    route or answer; the cause goes to the log under the request id."""

    def __init__(self, error: BackendError, request_id: str) -> None:
        super().__init__(
            f"the {error.backend} system did not answer usefully",
            backend=error.backend,
            requestId=request_id,
        )
        self.code = error.code
        self.extensions["code"] = error.code


class ResyncRequiredError(GatewayError):
    """Events of this subscription may have been missed (the event bus changed node):
    the client refetches what it shows (orders, the conversation); the subscription goes on."""

    code = "RESYNC_REQUIRED"

    def __init__(self, request_id: str) -> None:
        super().__init__(
            "events may have been missed: fetch the current state again", requestId=request_id
        )


async def still_valid(ctx: Context) -> bool:
    """False (and the connection closed) once the connection's token has expired."""
    expires = ctx.token_expires_at
    if expires is None or ctx.clock.now().timestamp() < expires:
        return True
    if ctx.close_connection is not None:
        await ctx.close_connection(TOKEN_EXPIRED, "token expired")
    return False


async def balance_changes(
    ctx: Context, msisdn: str
) -> AsyncIterator[tuple[BalanceRecord, Reach] | EventFailedError]:
    """Each change's balance, or the error that reading it met (for the schema to hand to
    the client as this event's error)."""
    granted = await reach(ctx, msisdn)
    sent: BalanceRecord | None = None  # the last balance this subscriber got
    async with ctx.ports.events.follow(f"balance:{msisdn}") as follower:
        while True:
            # An event or a RESYNC (events may have been missed): either way the balance
            # is read again; after a RESYNC it is sent only if it is not what this
            # subscriber already has (nothing was missed: no duplicate `next`).
            payload = await follower.next()
            if not await still_valid(ctx):
                return
            try:
                # Access may have gone since (a link removed): FORBIDDEN ends it here.
                # The connection's loaders would answer from what they read first.
                ctx.loaders.links_by_owner.clear_all()
                granted = await reach(ctx, msisdn)
                # The listener invalidated the cache: this read is billing's current figure.
                found = await ctx.ports.billing.balances([msisdn])
            except BackendError as error:
                log.warning("request %s: event of %s not read: %s", ctx.request_id, msisdn, error)
                yield EventFailedError(error, ctx.request_id)
                continue
            if msisdn not in found:
                continue
            if payload == RESYNC and _same_balance(found[msisdn], sent):
                continue
            sent = found[msisdn]
            yield sent, granted


def _same_balance(now: BalanceRecord, sent: BalanceRecord | None) -> bool:
    """The subscriber already has this balance (whatever the cache's staleness mark)."""
    return sent is not None and (now.money, now.quotas, now.updated_at) == (
        sent.money,
        sent.quotas,
        sent.updated_at,
    )


async def order_updates(
    ctx: Context, msisdn: str
) -> AsyncIterator[OrderRecord | ResyncRequiredError]:
    await reach(ctx, msisdn)
    async with ctx.ports.events.follow(f"order:{msisdn}") as follower:
        while True:
            payload = await follower.next()
            if not await still_valid(ctx):
                return
            if payload == RESYNC:
                # An order's moves are not replayed: the client refetches its orders.
                yield ResyncRequiredError(ctx.request_id)
                continue
            event = decode_event(payload)
            if isinstance(event, OrderUpdated):
                yield event.order


async def support_messages(
    ctx: Context, conversation_id: str
) -> AsyncIterator[MessageRecord | ResyncRequiredError]:
    await reach_conversation(ctx, conversation_id)
    async with ctx.ports.events.follow(f"conversation:{conversation_id}") as follower:
        while True:
            payload = await follower.next()
            if not await still_valid(ctx):
                return
            if payload == RESYNC:
                # Messages are not replayed: the client refetches the conversation.
                yield ResyncRequiredError(ctx.request_id)
                continue
            event = decode_event(payload)
            if isinstance(event, MessagePosted):
                yield event.message


async def support_inbox(ctx: Context) -> AsyncIterator[MessageRecord]:
    """Every new message of every open conversation, for agents only: a subscriber asking
    gets FORBIDDEN before anything is followed."""
    if not isinstance(require_principal(ctx), AgentPrincipal):
        raise ForbiddenError("the support inbox is for agents")
    async with ctx.ports.events.follow(SUPPORT_INBOX) as follower:
        while True:
            payload = await follower.next()
            if not await still_valid(ctx):
                return
            if payload == RESYNC:
                continue  # messages are not replayed: the page reads the queue again
            event = decode_event(payload)
            if isinstance(event, MessagePosted):
                yield event.message
