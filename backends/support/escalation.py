"""Escalating a conversation to a trouble ticket: the rules, and the ``system`` note
that tells both sides of the conversation a ticket was opened.

The ticket names the conversation and its subscriber; the subscriber must be the
conversation's (422 ``PARTY_MISMATCH``), the conversation open (409
``CONVERSATION_CLOSED``) and not escalated before (409 ``ALREADY_ESCALATED``, naming the
ticket). An unknown conversation is a 404 ``UNKNOWN_CONVERSATION``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from backends.kit.errors import TmfError, unprocessable
from backends.support.authors import SYSTEM
from backends.support.conflicts import ExistingEntityError
from backends.support.conversations import require_open
from backends.support.records import ConversationRecord, NoteRecord, TicketRecord
from backends.support.resources import ticket_href
from backends.support.state import SupportState

SEVERITIES = ("Critical", "Major", "Minor")
DEFAULT_SEVERITY = "Minor"
DEFAULT_TICKET_TYPE = "complaint"


@dataclass(frozen=True, slots=True)
class TicketRequest:
    msisdn: str
    conversation_id: str
    name: str | None  # defaults to the conversation's reason
    description: str
    severity: str
    ticket_type: str


@dataclass(frozen=True, slots=True)
class Escalation:
    ticket: TicketRecord
    conversation: ConversationRecord
    note: NoteRecord  # the system note added to the conversation


def escalate(state: SupportState, request: TicketRequest, now: datetime) -> Escalation:
    conversation = state.conversation(request.conversation_id)
    if conversation is None:
        raise TmfError(
            404,
            "UNKNOWN_CONVERSATION",
            "Not found",
            f"no partyInteraction with id {request.conversation_id!r}",
        )
    if conversation.msisdn != request.msisdn:
        raise unprocessable(
            "PARTY_MISMATCH",
            f"{conversation.id} is {conversation.msisdn}'s conversation, not {request.msisdn}'s",
        )
    require_open(conversation)
    if conversation.ticket_id is not None:
        raise ExistingEntityError(
            "ALREADY_ESCALATED",
            f"{conversation.id} was escalated to {conversation.ticket_id}",
            ticket_href(conversation.ticket_id),
        )
    ticket = state.add_ticket(
        conversation,
        request.name or conversation.reason,
        request.description,
        request.severity,
        request.ticket_type,
        now,
    )
    # Not subject to the note limit: the record of an escalation must never be refused.
    note = state.add_note(conversation, SYSTEM, system_note_text(ticket), now)
    return Escalation(ticket, conversation, note)


def system_note_text(ticket: TicketRecord) -> str:
    return f"Открыта заявка {ticket.id}: {ticket.name}. Мы сообщим о решении в этом чате."
