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
    "state": "completed",
    "messageType": "SMS",
}

_RECEIVER = obj({"phoneNumber": STRING}, ["phoneNumber"])
_SENDER = obj({"id": STRING, "name": STRING, "phoneNumber": STRING})
_MESSAGE_CREATE = obj(
    {
        "messageType": {"type": "string", "enum": ["SMS"]},
        "type": {"type": "string", "enum": ["SMS"], "description": "alias of messageType"},
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
        "summary": "the demo inbox: messages sent to one number, newest first",
        "parameters": [
            {"name": "msisdn", "in": "query", "required": True, "schema": STRING},
        ],
        "responses": {
            "200": {
                "description": "messages",
                "content": {"application/json": {"schema": array(ref("CommunicationMessage"))}},
            },
            "400": {
                "description": "no msisdn",
                "content": {"application/json": {"schema": ref("Error")}},
            },
        },
    }
}

OPENAPI = openapi_document(
    "SMS (simulated)",
    "TMF681 communication messages; every message is delivered at once.",
    {
        f"{COMMUNICATION}/communicationMessage": {
            "get": list_operation(
                "messages sent, newest first", "CommunicationMessage", MESSAGE_FILTERS
            ),
            "post": create_operation("send an SMS", _MESSAGE_CREATE, "CommunicationMessage"),
        },
        f"{COMMUNICATION}/communicationMessage/{{id}}": {
            "get": get_operation("one message", "CommunicationMessage")
        },
        "/admin/messages": _INBOX,
    },
    _SCHEMAS,
)
