"""The OpenAPI document of the support system's TMF683/TMF621 subset (served at
/openapi.json). The filter tables are also what the routes accept."""

from __future__ import annotations

from typing import Any

from backends.kit.openapi import (
    DATE_TIME,
    HUB_SCHEMAS,
    STRING,
    Operation,
    array,
    create_operation,
    entity,
    get_operation,
    hub_paths,
    list_operation,
    obj,
    openapi_document,
    ref,
    update_operation,
)
from backends.support.resources import CONVERSATIONS, PARTY_INTERACTION, TICKETS

CONVERSATION_FILTERS = {
    "relatedParty.id": "MSISDNs; the batch key",
    "status": "open or closed (status=open alone: every open conversation, the agents' queue)",
    "id": "conversation ids",
}
TICKET_FILTERS = {
    "relatedParty.id": "MSISDNs; the batch key",
    "relatedEntity.id": "conversation ids",
    "status": "acknowledged, rejected, pending, held, inProgress, resolved, closed, cancelled",
    "severity": "Critical, Major or Minor",
    "ticketType": "complaint...",
}
NOTES_SINCE = "note.since"

_ID_PARAMETER = {"name": "id", "in": "path", "required": True, "schema": STRING}
_PARTY = array(ref("RelatedParty"))
_NOTE_CREATE = obj(
    {"author": STRING, "text": STRING, "@type": STRING},
    ["author", "text"],
)
_CONVERSATION_CREATE = obj(
    {
        "relatedParty": _PARTY,
        "reason": STRING,
        "description": STRING,
        "note": array(obj({"author": STRING, "text": STRING}, ["text"])),
    },
    ["relatedParty", "reason"],
)
_CONVERSATION_UPDATE = obj({"status": {"type": "string", "enum": ["closed"]}}, ["status"])
_TICKET_CREATE = obj(
    {
        "relatedParty": _PARTY,
        "relatedEntity": array(ref("RelatedEntity")),
        "name": STRING,
        "description": STRING,
        "severity": {"type": "string", "enum": ["Critical", "Major", "Minor"]},
        "ticketType": STRING,
    },
    ["relatedParty", "relatedEntity", "description"],
)

_SCHEMAS = {
    "RelatedParty": obj({"id": STRING, "role": STRING, "@referredType": STRING}, ["id"]),
    "RelatedEntity": obj(
        {"id": STRING, "href": STRING, "role": STRING, "@referredType": STRING}, ["id"]
    ),
    "Note": obj(
        {"id": STRING, "date": DATE_TIME, "author": STRING, "text": STRING, "@type": STRING}
    ),
    "PartyInteraction": entity(
        {
            "reason": STRING,
            "description": STRING,
            "direction": STRING,
            "status": STRING,
            "creationDate": DATE_TIME,
            "statusChangeDate": DATE_TIME,
            "interactionDate": ref("TimePeriod"),
            "relatedParty": _PARTY,
            "note": array(ref("Note")),
            "interactionItem": array(obj({"id": STRING, "item": ref("RelatedEntity")})),
        }
    ),
    "TroubleTicket": entity(
        {
            "name": STRING,
            "description": STRING,
            "severity": STRING,
            "ticketType": STRING,
            "status": STRING,
            "creationDate": DATE_TIME,
            "lastUpdate": DATE_TIME,
            "statusChangeDate": DATE_TIME,
            "relatedParty": _PARTY,
            "relatedEntity": array(ref("RelatedEntity")),
            "note": array(ref("Note")),
        }
    ),
}


def _get_conversation() -> Operation:
    operation = get_operation("one conversation with its notes, oldest first", "PartyInteraction")
    operation["parameters"] = [
        *operation["parameters"],
        {
            "name": NOTES_SINCE,
            "in": "query",
            "required": False,
            "description": "only the notes dated at or after this RFC 3339 time",
            "schema": DATE_TIME,
        },
    ]
    operation["responses"]["400"] = {
        "description": "a bad note.since or another parameter",
        "content": {"application/json": {"schema": ref("Error")}},
    }
    return operation


def _create_note() -> Operation:
    operation = create_operation(
        "add a message (a note) to an open conversation: the simulator's own route",
        _NOTE_CREATE,
        "Note",
        errors={
            "404": "NOT_FOUND: no conversation with this id",
            "409": "CONVERSATION_CLOSED, IDEMPOTENCY_KEY_REUSED",
            "422": "NOTE_LIMIT",
        },
        idempotent=True,
    )
    operation["parameters"] = [_ID_PARAMETER, *operation["parameters"]]
    return operation


_PATHS: dict[str, Any] = {
    CONVERSATIONS: {
        "get": list_operation(
            "conversations, newest activity first", "PartyInteraction", CONVERSATION_FILTERS
        ),
        "post": create_operation(
            "open a conversation (one open conversation per number), optionally with the "
            "first message",
            _CONVERSATION_CREATE,
            "PartyInteraction",
            errors={
                "409": "ALREADY_OPEN (Location: the open one), IDEMPOTENCY_KEY_REUSED",
                "422": "UNKNOWN_NUMBER",
            },
            idempotent=True,
        ),
    },
    f"{CONVERSATIONS}/{{id}}": {
        "get": _get_conversation(),
        "patch": update_operation("close a conversation", _CONVERSATION_UPDATE, "PartyInteraction"),
    },
    f"{CONVERSATIONS}/{{id}}/note": {"post": _create_note()},
    TICKETS: {
        "get": list_operation("trouble tickets, newest first", "TroubleTicket", TICKET_FILTERS),
        "post": create_operation(
            "escalate a conversation to a trouble ticket (adds a system note to it)",
            _TICKET_CREATE,
            "TroubleTicket",
            errors={
                "404": "UNKNOWN_CONVERSATION",
                "409": "CONVERSATION_CLOSED, ALREADY_ESCALATED (Location: the ticket), "
                "IDEMPOTENCY_KEY_REUSED",
                "422": "PARTY_MISMATCH",
            },
            idempotent=True,
        ),
    },
    f"{TICKETS}/{{id}}": {"get": get_operation("one trouble ticket", "TroubleTicket")},
    **hub_paths(PARTY_INTERACTION),
}

OPENAPI = openapi_document(
    "Support (simulated)",
    "TMF683 party interactions as support conversations, their messages as notes; "
    "TMF621 trouble tickets that conversations are escalated to. One hub for both APIs.",
    _PATHS,
    {**_SCHEMAS, **HUB_SCHEMAS},
)
