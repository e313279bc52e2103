"""The OpenAPI document of the SMS gateway's TMF681 subset (served at /openapi.json).
The filter table is also what the route accepts."""

from __future__ import annotations

from backends.kit.openapi import (
    DATE_TIME,
    STRING,
    array,
    create_operation,
    entity,
    get_operation,
    list_operation,
    obj,
    openapi_document,
    ref,
)
from backends.sms.resources import COMMUNICATION

MESSAGE_FILTERS = {
    "receiver.phoneNumber": "MSISDNs; the batch key",
    "receiver.email": "e-mail addresses (of Email messages)",
    "state": "completed",
    "messageType": "SMS or Email",
}

_RECEIVER = obj({"phoneNumber": STRING, "email": STRING})
_SENDER = obj({"id": STRING, "name": STRING, "phoneNumber": STRING, "email": STRING})
_MESSAGE_CREATE = obj(
    {
        "messageType": {"type": "string", "enum": ["SMS", "Email"]},
        "type": {"type": "string", "enum": ["SMS", "Email"], "description": "alias of messageType"},
        "content": STRING,
        "subject": STRING,
        "receiver": array(_RECEIVER),
        "sender": _SENDER,
    },
    ["content", "receiver"],
)

_SCHEMAS = {
    "CommunicationMessage": entity(
        {
            "messageType": STRING,
            "content": STRING,
            "subject": STRING,
            "state": STRING,
            "sendTime": DATE_TIME,
            "sendTimeComplete": DATE_TIME,
            "receiver": array(_RECEIVER),
            "sender": _SENDER,
        }
    ),
}

_INBOX = {
    "get": {
        "summary": "the demo inbox: messages sent to numbers or addresses, newest first",
        "parameters": [
            {"name": "msisdn", "in": "query", "required": False, "schema": STRING},
            {"name": "email", "in": "query", "required": False, "schema": STRING},
        ],
        "responses": {
            "200": {
                "description": "messages",
                "content": {"application/json": {"schema": array(ref("CommunicationMessage"))}},
            },
            "400": {
                "description": "neither msisdn nor email",
                "content": {"application/json": {"schema": ref("Error")}},
            },
        },
    }
}

OPENAPI = openapi_document(
    "SMS (simulated)",
    "TMF681 communication messages (SMS and e-mail); every message is delivered at once.",
    {
        f"{COMMUNICATION}/communicationMessage": {
            "get": list_operation(
                "messages sent, newest first", "CommunicationMessage", MESSAGE_FILTERS
            ),
            "post": create_operation(
                "send an SMS or an e-mail",
                _MESSAGE_CREATE,
                "CommunicationMessage",
                errors={"409": "IDEMPOTENCY_KEY_REUSED"},
                idempotent=True,
            ),
        },
        f"{COMMUNICATION}/communicationMessage/{{id}}": {
            "get": get_operation("one message", "CommunicationMessage")
        },
        "/admin/messages": _INBOX,
    },
    _SCHEMAS,
)
