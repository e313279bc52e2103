"""Support chat: a subscriber's conversation, agents' replies, escalation to a ticket."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from adapters.errors import BackendRefusalError
from domain.principals import AgentPrincipal
from domain.support import ConversationRecord, MessageRecord, TicketRecord
from resolvers.access import reach, require_principal
from resolvers.context import Context
from resolvers.errors import (
    ConversationRefusedError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from resolvers.idempotency import once, resolve_key

MAX_TEXT = 2000
# What an agent's read of a number's conversation is called in the audit log.
AUDITED = ("supportConversation",)


def _text(text: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise InvalidInputError(f"a message is 1 to {MAX_TEXT} characters")
    return text


def _key(ctx: Context, given: str | None) -> str:
    # A chat message without a key is still sent once per request: a fresh key.
    return given or ctx.idempotency_key or f"chat-{secrets.token_hex(12)}"


async def reach_conversation(ctx: Context, conversation_id: str) -> ConversationRecord:
    """The conversation, if the caller may see it: its subscriber (or a linked number's
    owner), or any agent. Unknown and forbidden read the same to a subscriber."""
    principal = require_principal(ctx)
    found = await ctx.ports.support.conversation(conversation_id)
    if found is None:
        if isinstance(principal, AgentPrincipal):
            raise NotFoundError("no such conversation")
        raise ForbiddenError("this conversation is not yours")
    await reach(ctx, found.msisdn, AUDITED)
    return found


async def my_conversation(ctx: Context, msisdn: str) -> ConversationRecord | None:
    await reach(ctx, msisdn, AUDITED)
    return await ctx.ports.support.open_conversation_of(msisdn)


async def start(
    ctx: Context, msisdn: str, text: str, reason: str | None, key: str | None
) -> ConversationRecord:
    principal = require_principal(ctx)
    if isinstance(principal, AgentPrincipal):
        raise ForbiddenError("agents answer conversations; subscribers start them")
    await reach(ctx, msisdn)
    given = key or ctx.idempotency_key
    if given is None:
        return await _start_or_add(ctx, msisdn, text, reason, _key(ctx, None))
    resolved = resolve_key(ctx, given)

    async def run() -> str:
        return (await _start_or_add(ctx, msisdn, text, reason, resolved)).id

    # Once per key at the gateway: a retry after the start went through must not find the
    # conversation open and send its first message again under the start's key (support
    # refuses a key reused for another request). The retry gets the conversation as it is.
    conversation_id = await once(
        ctx,
        "startSupportConversation",
        resolved,
        {"msisdn": msisdn, "text": text, "reason": reason},
        run,
        str.encode,
        bytes.decode,
    )
    return await reach_conversation(ctx, conversation_id)


async def _start_or_add(
    ctx: Context, msisdn: str, text: str, reason: str | None, key: str
) -> ConversationRecord:
    """A new conversation, or the text added to the one already open."""
    existing = await ctx.ports.support.open_conversation_of(msisdn)
    if existing is not None:
        await send(ctx, existing.id, text, key)
        return await reach_conversation(ctx, existing.id)
    return await ctx.ports.support.start(
        msisdn, (reason or "Вопрос в чате")[:200], _text(text), key
    )


async def send(ctx: Context, conversation_id: str, text: str, key: str | None) -> MessageRecord:
    conversation = await reach_conversation(ctx, conversation_id)
    principal = require_principal(ctx)
    author = (
        f"agent:{principal.name}" if isinstance(principal, AgentPrincipal) else conversation.msisdn
    )
    return await ctx.ports.support.send(conversation_id, author, _text(text), _key(ctx, key))


async def escalate(
    ctx: Context, conversation_id: str, description: str, key: str | None
) -> TicketRecord:
    conversation = await reach_conversation(ctx, conversation_id)
    try:
        return await ctx.ports.support.escalate(
            conversation_id, conversation.msisdn, _text(description), _key(ctx, key)
        )
    except BackendRefusalError as exc:
        if exc.reason in _ESCALATION_REFUSALS:
            raise ConversationRefusedError(exc.reason, _ESCALATION_REFUSALS[exc.reason]) from exc
        raise


# What support may refuse an escalation for, as the client is told.
_ESCALATION_REFUSALS = {
    "ALREADY_ESCALATED": "this conversation has a ticket already",
    "CONVERSATION_CLOSED": "this conversation is closed",
}


async def open_conversations(ctx: Context) -> Sequence[ConversationRecord]:
    if not isinstance(require_principal(ctx), AgentPrincipal):
        raise ForbiddenError("the queue of open conversations is for agents")
    return await ctx.ports.support.open_conversations()
