"""What the support system keeps: conversations with their notes, and trouble tickets.

Records are mutable (a conversation gains notes and is closed); the routes render them
to TMF JSON at the moment they answer or publish, so an event never sees a later change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ConversationStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class TicketStatus(StrEnum):
    """TMF621 v4's TroubleTicketStatusType; the simulator only ever writes ``acknowledged``
    (nothing here works a ticket), the rest is what a real system may answer."""

    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"
    IN_PROGRESS = "inProgress"
    PENDING = "pending"
    HELD = "held"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class NoteRecord:
    """One message of a conversation; ``author`` is an MSISDN, ``agent:<name>`` or
    ``system`` (see :mod:`backends.support.authors`)."""

    id: str
    date: datetime
    author: str
    text: str


@dataclass
class ConversationRecord:
    id: str
    msisdn: str
    reason: str
    description: str | None
    direction: str  # inbound (the subscriber started it) or outbound (an agent did)
    created: datetime
    status: ConversationStatus
    status_changed: datetime
    notes: list[NoteRecord] = field(default_factory=list)
    ended: datetime | None = None  # when it was closed: interactionDate.endDateTime
    # Orders "newest activity first": a counter shared by every write, not a clock,
    # because two writes within one second must still come out in order.
    activity: int = 0
    ticket_id: str | None = None  # the trouble ticket it was escalated to, if any


@dataclass(frozen=True, slots=True)
class TicketRecord:
    id: str
    msisdn: str
    conversation_id: str
    name: str
    description: str
    severity: str
    ticket_type: str
    status: TicketStatus
    created: datetime
