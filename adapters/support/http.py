"""Support over HTTP: TMF683 partyInteraction (with a note route) and TMF621 troubleTicket."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.clock import parse_timestamp
from adapters.errors import BackendNotFoundError
from adapters.http import BackendClient
from adapters.tmf import Entity, entities, parsing, ref_ids
from domain.support import ConversationRecord, MessageRecord, TicketRecord

INTERACTION_API = "/tmf-api/partyInteraction/v4"
TICKET_API = "/tmf-api/troubleTicket/v4"


def parse_message(note: Entity, conversation_id: str) -> MessageRecord:
    sent = note.get("date")
    return MessageRecord(
        id=str(note["id"]),
        conversation_id=conversation_id,
        author=str(note.get("author") or ""),
        text=str(note.get("text") or ""),
        sent_at=parse_timestamp(str(sent)) if sent else None,
    )


def parse_conversation(item: Entity) -> ConversationRecord:
    conversation_id = str(item["id"])
    return ConversationRecord(
        id=conversation_id,
        msisdn=(ref_ids(item, "relatedParty") or [""])[0],
        reason=item.get("reason"),
        status=str(item.get("status") or "open"),
        messages=tuple(parse_message(n, conversation_id) for n in item.get("note") or ()),
        ticket_id=_ticket_of(item),
    )


def _ticket_of(item: Entity) -> str | None:
    """TMF683 points at the ticket with an interaction item referring a TroubleTicket."""
    for entry in item.get("interactionItem") or ():
        target = entry.get("item") if isinstance(entry, dict) else None
        if isinstance(target, dict) and target.get("@referredType") == "TroubleTicket":
            return str(target["id"]) if target.get("id") is not None else None
    return None


class HttpSupport:
    def __init__(self, client: BackendClient) -> None:
        self._client = client

    async def open_conversation_of(self, msisdn: str) -> ConversationRecord | None:
        payload = await self._client.get(
            f"{INTERACTION_API}/partyInteraction", {"relatedParty.id": msisdn, "status": "open"}
        )
        with parsing(self._client.name, "partyInteraction"):
            found = [parse_conversation(i) for i in entities(payload)]
        return found[0] if found else None

    async def conversation(self, conversation_id: str) -> ConversationRecord | None:
        try:
            item = await self._client.get(f"{INTERACTION_API}/partyInteraction/{conversation_id}")
        except BackendNotFoundError:
            return None
        with parsing(self._client.name, "partyInteraction"):
            return parse_conversation(item)

    async def open_conversations(self) -> Sequence[ConversationRecord]:
        payload = await self._client.get(f"{INTERACTION_API}/partyInteraction", {"status": "open"})
        with parsing(self._client.name, "partyInteraction"):
            return [parse_conversation(i) for i in entities(payload)]

    async def start(self, msisdn: str, reason: str, text: str, key: str) -> ConversationRecord:
        item = await self._client.post(
            f"{INTERACTION_API}/partyInteraction",
            {
                "relatedParty": [{"id": msisdn, "role": "customer"}],
                "reason": reason,
                "note": [{"text": text, "author": msisdn}],
            },
            headers={"Idempotency-Key": key},
        )
        with parsing(self._client.name, "partyInteraction"):
            return parse_conversation(item)

    async def send(self, conversation_id: str, author: str, text: str, key: str) -> MessageRecord:
        note = await self._client.post(
            f"{INTERACTION_API}/partyInteraction/{conversation_id}/note",
            {"author": author, "text": text},
            headers={"Idempotency-Key": key},
        )
        with parsing(self._client.name, "note"):
            return parse_message(note, conversation_id)

    async def escalate(
        self, conversation_id: str, msisdn: str, description: str, key: str
    ) -> TicketRecord:
        ticket = await self._client.post(
            f"{TICKET_API}/troubleTicket",
            {
                "relatedParty": [{"id": msisdn, "role": "customer"}],
                "relatedEntity": [
                    {
                        "id": conversation_id,
                        "role": "conversation",
                        "@referredType": "PartyInteraction",
                    }
                ],
                "description": description,
            },
            headers={"Idempotency-Key": key},
        )
        with parsing(self._client.name, "troubleTicket"):
            return TicketRecord(str(ticket["id"]), str(ticket.get("status") or "acknowledged"))
