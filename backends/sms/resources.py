"""Sent messages (SMS and e-mails) as TMF681 communicationMessage bodies."""

from __future__ import annotations

from typing import Any

from backends.kit.ids import href
from backends.kit.timestamps import format_timestamp
from backends.sms.state import MessageRecord

COMMUNICATION = "/tmf-api/communicationManagement/v4"
# The receiver field that holds the address, by message type.
_RECEIVER_FIELDS = {"SMS": "phoneNumber", "Email": "email"}


def message_json(message: MessageRecord) -> dict[str, Any]:
    sent = format_timestamp(message.sent)
    body: dict[str, Any] = {
        "id": message.id,
        "href": href(f"{COMMUNICATION}/communicationMessage", message.id),
        "@type": "CommunicationMessage",
        "messageType": message.message_type,
        "content": message.content,
        "state": message.state,
        "sendTime": sent,
        "sendTimeComplete": sent,
        "receiver": [{_RECEIVER_FIELDS[message.message_type]: r} for r in message.receivers],
        "sender": message.sender,
    }
    if message.subject is not None:
        body["subject"] = message.subject
    return body
