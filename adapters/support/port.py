"""What the resolvers may ask of the support system."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.support import ConversationRecord, MessageRecord, TicketRecord


class SupportPort(Protocol):
    async def open_conversation_of(self, msisdn: str) -> ConversationRecord | None: ...

    async def conversation(self, conversation_id: str) -> ConversationRecord | None: ...

    async def open_conversations(self) -> Sequence[ConversationRecord]:
        """Every open conversation, newest activity first (the agents' queue)."""
        ...

    async def start(self, msisdn: str, reason: str, text: str, key: str) -> ConversationRecord: ...

    async def send(
        self, conversation_id: str, author: str, text: str, key: str
    ) -> MessageRecord: ...

    async def escalate(
        self, conversation_id: str, msisdn: str, description: str, key: str
    ) -> TicketRecord: ...
