"""Support chat: conversations and their messages."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.support import ConversationRecord, MessageRecord, TicketRecord


@strawberry.type
class SupportMessage:
    id: strawberry.ID
    conversation_id: strawberry.ID
    author: str = strawberry.field(description='The number, "agent:<name>" or "system".')
    text: str
    sent_at: datetime | None

    @classmethod
    def from_record(cls, record: MessageRecord) -> SupportMessage:
        return cls(
            id=strawberry.ID(record.id),
            conversation_id=strawberry.ID(record.conversation_id),
            author=record.author,
            text=record.text,
            sent_at=record.sent_at,
        )


@strawberry.type
class SupportConversation:
    id: strawberry.ID
    msisdn: str
    reason: str | None
    status: str
    messages: list[SupportMessage]
    ticket_id: strawberry.ID | None = strawberry.field(
        description="The trouble ticket it was escalated to (escalateToTicket), if any."
    )

    @classmethod
    def from_record(cls, record: ConversationRecord) -> SupportConversation:
        return cls(
            id=strawberry.ID(record.id),
            msisdn=record.msisdn,
            reason=record.reason,
            status=record.status,
            messages=[SupportMessage.from_record(m) for m in record.messages],
            ticket_id=strawberry.ID(record.ticket_id) if record.ticket_id else None,
        )


@strawberry.type
class SupportTicket:
    id: strawberry.ID
    status: str

    @classmethod
    def from_record(cls, record: TicketRecord) -> SupportTicket:
        return cls(id=strawberry.ID(record.id), status=record.status)
