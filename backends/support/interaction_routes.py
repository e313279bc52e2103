"""TMF683 routes: conversations (``partyInteraction``) and their messages (notes).

``POST .../partyInteraction/{id}/note`` is the simulator's own route: TMF683 v4 adds a
note only by PATCHing the whole ``note`` list, which two writers at once would race on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from aiohttp import web

from backends.kit.bodies import read_json_object, required_string
from backends.kit.errors import bad_request
from backends.kit.filters import restore_plus
from backends.kit.hub import HUB
from backends.kit.idempotency import idempotent
from backends.kit.listing import indexed_collection
from backends.kit.lookup import path_entity
from backends.kit.responses import json_response
from backends.kit.timestamps import parse_timestamp, utc_now
from backends.support import conversations, events
from backends.support.keys import SUPPORT
from backends.support.openapi import CONVERSATION_FILTERS, NOTES_SINCE
from backends.support.reading import MAX_TITLE_LENGTH, customer, first_message, optional_text, text
from backends.support.records import ConversationRecord, ConversationStatus
from backends.support.resources import (
    CONVERSATIONS,
    conversation_href,
    conversation_json,
    note_json,
)

routes = web.RouteTableDef()


@routes.post(CONVERSATIONS)
@idempotent()
async def create_conversation(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    msisdn = customer(body)
    reason = text(body, "reason", MAX_TITLE_LENGTH)
    description = optional_text(body, "description")
    first = first_message(body)
    conversation, note = conversations.start(
        request.app[SUPPORT], msisdn, reason, description, first, utc_now()
    )
    hub = request.app[HUB]
    events.conversation_created(hub, conversation)
    if note is not None:
        events.note_added(hub, conversation, note)
    return json_response(
        conversation_json(conversation),
        status=201,
        headers={"Location": conversation_href(conversation.id)},
    )


@routes.get(CONVERSATIONS)
async def list_conversations(request: web.Request) -> web.Response:
    """Newest activity first; ``?status=open`` alone is the agents' queue."""
    return indexed_collection(
        request,
        CONVERSATION_FILTERS,
        "relatedParty.id",
        request.app[SUPPORT].conversations,
        conversation_json,
    )


@routes.get(f"{CONVERSATIONS}/{{id}}")
async def get_conversation(request: web.Request) -> web.Response:
    conversation = _conversation(request)
    return json_response(conversation_json(conversation, _notes_since(request.query)))


@routes.patch(f"{CONVERSATIONS}/{{id}}")
async def patch_conversation(request: web.Request) -> web.Response:
    """Close a conversation: the body is exactly ``{"status": "closed"}``."""
    conversation = _conversation(request)
    body = await read_json_object(request)
    if body != {"status": ConversationStatus.CLOSED.value}:
        raise bad_request('the only change a conversation takes is {"status": "closed"}')
    if conversations.close(request.app[SUPPORT], conversation, utc_now()):
        events.conversation_closed(request.app[HUB], conversation)
    return json_response(conversation_json(conversation))


@routes.post(f"{CONVERSATIONS}/{{id}}/note")
@idempotent()
async def create_note(request: web.Request) -> web.Response:
    conversation = _conversation(request)
    body = await read_json_object(request)
    author = required_string(body, "author")
    note = conversations.write(
        request.app[SUPPORT], conversation, author, text(body, "text"), utc_now()
    )
    events.note_added(request.app[HUB], conversation, note)
    # No Location: a note is not addressable on its own, only within its conversation.
    return json_response(note_json(note), status=201)


def _conversation(request: web.Request) -> ConversationRecord:
    return path_entity(request, "partyInteraction", request.app[SUPPORT].conversation)


def _notes_since(params: Mapping[str, str]) -> datetime | None:
    for name in params:
        if name not in (NOTES_SINCE, "fields"):
            raise bad_request(f"unsupported query parameter {name!r} (takes: {NOTES_SINCE})")
    raw = params.get(NOTES_SINCE)
    if raw is None:
        return None
    try:
        return parse_timestamp(restore_plus(raw.strip()))
    except ValueError:
        raise bad_request(f"{NOTES_SINCE!r} must be an RFC 3339 time, not {raw!r}") from None
