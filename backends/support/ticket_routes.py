"""TMF621 routes: escalating a conversation to a trouble ticket, and reading tickets."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from backends.kit.bodies import read_json_object
from backends.kit.errors import bad_request
from backends.kit.hub import HUB
from backends.kit.idempotency import idempotent
from backends.kit.listing import indexed_collection
from backends.kit.lookup import path_entity
from backends.kit.responses import json_response
from backends.kit.timestamps import utc_now
from backends.support import events
from backends.support.escalation import (
    DEFAULT_SEVERITY,
    DEFAULT_TICKET_TYPE,
    SEVERITIES,
    TicketRequest,
    escalate,
)
from backends.support.keys import SUPPORT
from backends.support.openapi import TICKET_FILTERS
from backends.support.reading import (
    MAX_TITLE_LENGTH,
    conversation_ref,
    customer,
    optional_text,
    text,
)
from backends.support.resources import TICKETS, ticket_href, ticket_json

routes = web.RouteTableDef()


@routes.post(TICKETS)
@idempotent()
async def create_ticket(request: web.Request) -> web.Response:
    escalation = escalate(
        request.app[SUPPORT], _ticket_request(await read_json_object(request)), utc_now()
    )
    hub = request.app[HUB]
    events.ticket_created(hub, escalation.ticket)
    events.note_added(hub, escalation.conversation, escalation.note)
    return json_response(
        ticket_json(escalation.ticket),
        status=201,
        headers={"Location": ticket_href(escalation.ticket.id)},
    )


@routes.get(TICKETS)
async def list_tickets(request: web.Request) -> web.Response:
    """Newest first."""
    return indexed_collection(
        request, TICKET_FILTERS, "relatedParty.id", request.app[SUPPORT].tickets, ticket_json
    )


@routes.get(f"{TICKETS}/{{id}}")
async def get_ticket(request: web.Request) -> web.Response:
    ticket = path_entity(request, "troubleTicket", request.app[SUPPORT].ticket)
    return json_response(ticket_json(ticket))


def _ticket_request(body: dict[str, Any]) -> TicketRequest:
    severity = body.get("severity", DEFAULT_SEVERITY)
    if severity not in SEVERITIES:
        raise bad_request(f"'severity' must be one of {', '.join(SEVERITIES)}, not {severity!r}")
    return TicketRequest(
        msisdn=customer(body),
        conversation_id=conversation_ref(body),
        name=optional_text(body, "name", MAX_TITLE_LENGTH),
        description=text(body, "description"),
        severity=severity,
        ticket_type=optional_text(body, "ticketType", MAX_TITLE_LENGTH) or DEFAULT_TICKET_TYPE,
    )
