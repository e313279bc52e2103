"""The SMS gateway's routes and ``create_app``. It sends e-mails too (``messageType:
Email``, receivers by ``email``): billing mails statement notices through it."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from backends.config import ServiceConfig
from backends.kit.bodies import read_json_object, required_string
from backends.kit.emails import checked_email
from backends.kit.errors import bad_request
from backends.kit.filters import parse_query, split_values
from backends.kit.idempotency import idempotent
from backends.kit.ids import href
from backends.kit.lookup import path_entity
from backends.kit.responses import collection_response, json_response
from backends.kit.service import create_service_app
from backends.sms.openapi import MESSAGE_FILTERS, OPENAPI
from backends.sms.resources import COMMUNICATION, message_json
from backends.sms.state import SmsState

DEFAULT_PORT = 8103
SMS = web.AppKey("sms", SmsState)

routes = web.RouteTableDef()

_SENDER_FIELDS = ("id", "name", "phoneNumber", "email")
SMS_TYPE = "SMS"
EMAIL_TYPE = "Email"


def create_app(config: ServiceConfig) -> web.Application:
    # The SMS gateway needs no world: it sends to any number it is given.
    app = create_service_app("sms", routes, OPENAPI, config.faults)
    app[SMS] = SmsState()
    return app


@routes.post(f"{COMMUNICATION}/communicationMessage")
@idempotent()
async def send_message(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    # TMF681 names the field messageType; docs/backends.md's example says type.
    message_type = body.get("messageType", body.get("type", SMS_TYPE))
    if message_type not in (SMS_TYPE, EMAIL_TYPE):
        raise bad_request(f"messageType must be SMS or Email, not {message_type!r}")
    content = required_string(body, "content")
    subject = body.get("subject")
    if subject is not None and not isinstance(subject, str):
        raise bad_request("'subject' must be a string")
    receivers = (
        _email_receivers(body.get("receiver"))
        if message_type == EMAIL_TYPE
        else _receivers(body.get("receiver"))
    )
    message = request.app[SMS].send(
        content, receivers, _sender(body.get("sender")), subject, message_type
    )
    return json_response(
        message_json(message),
        status=201,
        headers={"Location": href(f"{COMMUNICATION}/communicationMessage", message.id)},
    )


@routes.get(f"{COMMUNICATION}/communicationMessage")
async def list_messages(request: web.Request) -> web.Response:
    state = request.app[SMS]
    query = parse_query(request.query, MESSAGE_FILTERS)
    key = "receiver.email" if "receiver.email" in query.filters else "receiver.phoneNumber"
    receivers = query.values(key)
    messages = state.all() if receivers is None else state.inbox(receivers)
    page, total = query.select(messages, message_json, handled=(key,))
    return collection_response(page, total=total)


@routes.get(f"{COMMUNICATION}/communicationMessage/{{id}}")
async def get_message(request: web.Request) -> web.Response:
    message = path_entity(request, "communicationMessage", request.app[SMS].message)
    return json_response(message_json(message))


@routes.get("/admin/messages")
async def inbox(request: web.Request) -> web.Response:
    """The demo inbox, by ``msisdn`` or ``email``; an admin route, so faults never hide a
    one-time code (or a statement notice) from a test."""
    receivers = split_values(request.query.get("msisdn", "")) + split_values(
        request.query.get("email", "")
    )
    if not receivers:
        raise bad_request("'msisdn' or 'email' is required")
    return json_response([message_json(m) for m in request.app[SMS].inbox(receivers)])


def _receivers(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise bad_request("'receiver' must be a non-empty list")
    numbers = []
    for receiver in value:
        if not isinstance(receiver, dict):
            raise bad_request("each receiver must be an object with a 'phoneNumber'")
        numbers.append(required_string(receiver, "phoneNumber").strip())
    return numbers


def _email_receivers(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise bad_request("'receiver' must be a non-empty list")
    addresses = []
    for receiver in value:
        if not isinstance(receiver, dict):
            raise bad_request("each receiver of an Email must be an object with an 'email'")
        addresses.append(checked_email(receiver.get("email"), "receiver.email"))
    return addresses


def _sender(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad_request("'sender' must be an object")
    return {name: str(value[name]) for name in _SENDER_FIELDS if name in value}
