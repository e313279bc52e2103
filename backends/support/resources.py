"""Conversations as TMF683 ``PartyInteraction`` bodies (their messages as ``Note``s) and
tickets as TMF621 ``TroubleTicket`` bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backends.kit.ids import href
from backends.kit.timestamps import format_timestamp
from backends.support.records import ConversationRecord, NoteRecord, TicketRecord

PARTY_INTERACTION = "/tmf-api/partyInteraction/v4"
TROUBLE_TICKET = "/tmf-api/troubleTicket/v4"
CONVERSATIONS = f"{PARTY_INTERACTION}/partyInteraction"
TICKETS = f"{TROUBLE_TICKET}/troubleTicket"
CUSTOMER_ROLE = "customer"
CONVERSATION_ROLE = "conversation"


def conversation_href(conversation_id: str) -> str:
    return href(CONVERSATIONS, conversation_id)


def ticket_href(ticket_id: str) -> str:
    return href(TICKETS, ticket_id)


def customer_ref(msisdn: str) -> dict[str, Any]:
    return {"id": msisdn, "role": CUSTOMER_ROLE, "@referredType": "Individual"}


def note_json(note: NoteRecord) -> dict[str, Any]:
    return {
        "id": note.id,
        "date": format_timestamp(note.date),
        "author": note.author,
        "text": note.text,
        "@type": "Note",
    }


def conversation_json(
    conversation: ConversationRecord, notes_since: datetime | None = None
) -> dict[str, Any]:
    """The conversation with its notes, oldest first; only those dated ``notes_since`` or
    later when it is given (a client polling for new messages)."""
    period = {"startDateTime": format_timestamp(conversation.created)}
    if conversation.ended is not None:
        period["endDateTime"] = format_timestamp(conversation.ended)
    notes = conversation.notes
    if notes_since is not None:
        notes = [note for note in notes if note.date >= notes_since]
    body: dict[str, Any] = {
        "id": conversation.id,
        "href": conversation_href(conversation.id),
        "@type": "PartyInteraction",
        "reason": conversation.reason,
        "direction": conversation.direction,
        "status": conversation.status.value,
        "creationDate": format_timestamp(conversation.created),
        "statusChangeDate": format_timestamp(conversation.status_changed),
        "interactionDate": period,
        "relatedParty": [customer_ref(conversation.msisdn)],
        "note": [note_json(note) for note in notes],
    }
    if conversation.description is not None:
        body["description"] = conversation.description
    if conversation.ticket_id is not None:
        # TMF683's way of pointing at a related entity: an interaction item.
        body["interactionItem"] = [
            {
                "id": "1",
                "item": {
                    "id": conversation.ticket_id,
                    "href": ticket_href(conversation.ticket_id),
                    "@referredType": "TroubleTicket",
                },
            }
        ]
    return body


def note_change_json(conversation: ConversationRecord, note: NoteRecord) -> dict[str, Any]:
    """What a note event carries: the conversation's identity and only the new note."""
    return {
        "id": conversation.id,
        "href": conversation_href(conversation.id),
        "@type": "PartyInteraction",
        "status": conversation.status.value,
        "relatedParty": [customer_ref(conversation.msisdn)],
        "note": [note_json(note)],
    }


def ticket_json(ticket: TicketRecord) -> dict[str, Any]:
    created = format_timestamp(ticket.created)
    return {
        "id": ticket.id,
        "href": ticket_href(ticket.id),
        "@type": "TroubleTicket",
        "name": ticket.name,
        "description": ticket.description,
        "severity": ticket.severity,
        "ticketType": ticket.ticket_type,
        "status": ticket.status.value,
        "creationDate": created,
        "lastUpdate": created,
        "statusChangeDate": created,
        "relatedParty": [customer_ref(ticket.msisdn)],
        "relatedEntity": [
            {
                "id": ticket.conversation_id,
                "href": conversation_href(ticket.conversation_id),
                "role": CONVERSATION_ROLE,
                "@referredType": "PartyInteraction",
            }
        ],
        "note": [],
    }
