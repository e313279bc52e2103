"""The rules of a conversation: who may open one, who may write in it, closing it.

A number has at most one open conversation: opening another while one is open is a 409
``ALREADY_OPEN`` naming it (the client goes on in that one, or closes it first). Notes go
to open conversations only (409 ``CONVERSATION_CLOSED``), at most
``MAX_NOTES_PER_CONVERSATION`` of them (422 ``NOTE_LIMIT``: the simulator keeps
everything in memory). Closing is final and closing twice changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from backends.kit.errors import TmfError, conflict, unprocessable
from backends.support.authors import checked_author, is_agent
from backends.support.conflicts import ExistingEntityError
from backends.support.records import ConversationRecord, ConversationStatus, NoteRecord
from backends.support.resources import conversation_href
from backends.support.state import SupportState

MAX_NOTES_PER_CONVERSATION = 500
INBOUND = "inbound"
OUTBOUND = "outbound"


def start(
    state: SupportState,
    msisdn: str,
    reason: str,
    description: str | None,
    first_message: tuple[str | None, str] | None,
    now: datetime,
) -> tuple[ConversationRecord, NoteRecord | None]:
    """Open ``msisdn``'s conversation, with its first message (author, text) if given;
    the author defaults to the subscriber."""
    if state.world.subscriber(msisdn) is None:
        raise unknown_number(msisdn)
    existing = state.open_conversation_of(msisdn)
    if existing is not None:
        raise ExistingEntityError(
            "ALREADY_OPEN",
            f"{msisdn} already has an open conversation {existing.id}",
            conversation_href(existing.id),
        )
    if first_message is None:
        return state.add_conversation(msisdn, reason, description, INBOUND, now), None
    given_author, text = first_message
    author = checked_author(given_author or msisdn, msisdn)
    # Who spoke first says who started it: an agent's first message is an outbound contact.
    direction = OUTBOUND if is_agent(author) else INBOUND
    conversation = state.add_conversation(msisdn, reason, description, direction, now)
    return conversation, state.add_note(conversation, author, text, now)


def write(
    state: SupportState, conversation: ConversationRecord, author: str, text: str, now: datetime
) -> NoteRecord:
    """A client's note (the subscriber's or an agent's) in an open conversation."""
    require_open(conversation)
    checked = checked_author(author, conversation.msisdn)
    if len(conversation.notes) >= MAX_NOTES_PER_CONVERSATION:
        raise unprocessable(
            "NOTE_LIMIT",
            f"{conversation.id} has {MAX_NOTES_PER_CONVERSATION} notes, the most it takes",
        )
    return state.add_note(conversation, checked, text, now)


def close(state: SupportState, conversation: ConversationRecord, now: datetime) -> bool:
    """Close it; False when it already was (nothing changed)."""
    if conversation.status is ConversationStatus.CLOSED:
        return False
    state.close(conversation, now)
    return True


def require_open(conversation: ConversationRecord) -> None:
    if conversation.status is not ConversationStatus.OPEN:
        raise conflict(f"{conversation.id} is closed", "CONVERSATION_CLOSED")


def unknown_number(msisdn: str) -> TmfError:
    return unprocessable("UNKNOWN_NUMBER", f"{msisdn!r} is not a number of this operator")
