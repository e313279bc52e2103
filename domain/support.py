"""Support conversations and their messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class MessageRecord:
    id: str
    conversation_id: str
    author: str  # the MSISDN, "agent:<name>" or "system"
    text: str
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    id: str
    msisdn: str
    reason: str | None
    status: str
    messages: tuple[MessageRecord, ...]
    # The trouble ticket it was escalated to, if it was.
    ticket_id: str | None = None


@dataclass(frozen=True, slots=True)
class TicketRecord:
    id: str
    status: str
