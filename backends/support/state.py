"""The support system's mutable state: conversations and tickets by id, indexed by
number, and the one open conversation each number may have. Only bookkeeping lives here;
the rules (who may write, what conflicts) are in :mod:`conversations` and
:mod:`escalation`."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import datetime

from backends.dataset import World
from backends.support.records import (
    ConversationRecord,
    ConversationStatus,
    NoteRecord,
    TicketRecord,
    TicketStatus,
)


class SupportState:
    def __init__(self, world: World) -> None:
        self.world = world
        self._conversations: dict[str, ConversationRecord] = {}
        self._conversations_by_msisdn: dict[str, list[ConversationRecord]] = {}
        self._open_by_msisdn: dict[str, ConversationRecord] = {}
        self._tickets: dict[str, TicketRecord] = {}
        self._tickets_by_msisdn: dict[str, list[TicketRecord]] = {}
        self._conversation_ids = itertools.count(1)
        self._note_ids = itertools.count(1)
        self._ticket_ids = itertools.count(1)
        self._activity = itertools.count(1)

    # reading

    def conversation(self, conversation_id: str) -> ConversationRecord | None:
        return self._conversations.get(conversation_id)

    def open_conversation_of(self, msisdn: str) -> ConversationRecord | None:
        return self._open_by_msisdn.get(msisdn)

    def conversations(self, msisdns: Iterable[str] | None) -> list[ConversationRecord]:
        """Those of ``msisdns`` (every one when None), newest activity first."""
        if msisdns is None:
            found: Iterable[ConversationRecord] = self._conversations.values()
        else:
            found = (c for m in msisdns for c in self._conversations_by_msisdn.get(m, ()))
        return sorted(found, key=lambda conversation: -conversation.activity)

    def ticket(self, ticket_id: str) -> TicketRecord | None:
        return self._tickets.get(ticket_id)

    def tickets(self, msisdns: Iterable[str] | None) -> list[TicketRecord]:
        """Those of ``msisdns`` (every one when None), newest first."""
        if msisdns is None:
            found: Iterable[TicketRecord] = self._tickets.values()
        else:
            found = (t for m in msisdns for t in self._tickets_by_msisdn.get(m, ()))
        return sorted(found, key=lambda ticket: -_number(ticket.id))

    # writing

    def add_conversation(
        self, msisdn: str, reason: str, description: str | None, direction: str, now: datetime
    ) -> ConversationRecord:
        conversation = ConversationRecord(
            id=f"PI-{next(self._conversation_ids)}",
            msisdn=msisdn,
            reason=reason,
            description=description,
            direction=direction,
            created=now,
            status=ConversationStatus.OPEN,
            status_changed=now,
            activity=next(self._activity),
        )
        self._conversations[conversation.id] = conversation
        self._conversations_by_msisdn.setdefault(msisdn, []).append(conversation)
        self._open_by_msisdn[msisdn] = conversation
        return conversation

    def add_note(
        self, conversation: ConversationRecord, author: str, text: str, now: datetime
    ) -> NoteRecord:
        note = NoteRecord(f"NOTE-{next(self._note_ids)}", now, author, text)
        conversation.notes.append(note)
        conversation.activity = next(self._activity)
        return note

    def close(self, conversation: ConversationRecord, now: datetime) -> None:
        conversation.status = ConversationStatus.CLOSED
        conversation.status_changed = now
        conversation.ended = now
        conversation.activity = next(self._activity)
        if self._open_by_msisdn.get(conversation.msisdn) is conversation:
            del self._open_by_msisdn[conversation.msisdn]

    def add_ticket(
        self,
        conversation: ConversationRecord,
        name: str,
        description: str,
        severity: str,
        ticket_type: str,
        now: datetime,
    ) -> TicketRecord:
        ticket = TicketRecord(
            id=f"TT-{next(self._ticket_ids)}",
            msisdn=conversation.msisdn,
            conversation_id=conversation.id,
            name=name,
            description=description,
            severity=severity,
            ticket_type=ticket_type,
            status=TicketStatus.ACKNOWLEDGED,
            created=now,
        )
        self._tickets[ticket.id] = ticket
        self._tickets_by_msisdn.setdefault(ticket.msisdn, []).append(ticket)
        conversation.ticket_id = ticket.id
        return ticket


def _number(entity_id: str) -> int:
    """``TT-12`` -> 12: ids are issued in order, so they sort by age."""
    return int(entity_id.rpartition("-")[2])
