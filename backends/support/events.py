"""The events the support system publishes through its hub
(``/tmf-api/partyInteraction/v4/hub``, one hub for both APIs).

- ``PartyInteractionCreateEvent``: a conversation was opened (the whole conversation).
- ``PartyInteractionAttributeValueChangeEvent``: a note was added, whoever wrote it (the
  subscriber, an agent, the system): the conversation's id, status and party with only
  the new note in ``note``. A conversation opened with a first message sends this too,
  after its create event, so a listener that wants every message needs only this type.
- ``PartyInteractionStatusChangeEvent``: a conversation was closed (the whole
  conversation).
- ``TroubleTicketCreateEvent``: a conversation was escalated (the ticket); the system
  note it adds follows as a note event.
"""

from __future__ import annotations

from backends.kit.hub import EventHub
from backends.support.records import ConversationRecord, NoteRecord, TicketRecord
from backends.support.resources import conversation_json, note_change_json, ticket_json

CONVERSATION_CREATED = "PartyInteractionCreateEvent"
NOTE_ADDED = "PartyInteractionAttributeValueChangeEvent"
CONVERSATION_CLOSED = "PartyInteractionStatusChangeEvent"
TICKET_CREATED = "TroubleTicketCreateEvent"


def conversation_created(hub: EventHub, conversation: ConversationRecord) -> None:
    hub.publish(CONVERSATION_CREATED, {"partyInteraction": conversation_json(conversation)})


def note_added(hub: EventHub, conversation: ConversationRecord, note: NoteRecord) -> None:
    hub.publish(NOTE_ADDED, {"partyInteraction": note_change_json(conversation, note)})


def conversation_closed(hub: EventHub, conversation: ConversationRecord) -> None:
    hub.publish(CONVERSATION_CLOSED, {"partyInteraction": conversation_json(conversation)})


def ticket_created(hub: EventHub, ticket: TicketRecord) -> None:
    hub.publish(TICKET_CREATED, {"troubleTicket": ticket_json(ticket)})
