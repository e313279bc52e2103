"""The messages sent (SMS and e-mails), in memory, newest first per receiver: a phone
number for an SMS, an address for an e-mail.

Bounded (in total and per receiver), because a bench logging in thousands of times
sends as many one-time codes and nobody reads the old ones.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime

from backends.kit.timestamps import utc_now

MAX_MESSAGES = 50_000
MAX_PER_RECEIVER = 200


@dataclass
class MessageRecord:
    id: str
    message_type: str  # SMS or Email
    content: str
    subject: str | None
    receivers: list[str]  # phone numbers (SMS) or e-mail addresses (Email)
    sender: dict[str, str]
    sent: datetime
    state: str = "completed"


class SmsState:
    def __init__(self) -> None:
        self._messages: OrderedDict[str, MessageRecord] = OrderedDict()
        self._by_receiver: dict[str, deque[MessageRecord]] = {}
        self._next_id = 1

    def send(
        self,
        content: str,
        receivers: list[str],
        sender: dict[str, str],
        subject: str | None,
        message_type: str = "SMS",
    ) -> MessageRecord:
        """Record a message as delivered at once (``completed``)."""
        message = MessageRecord(
            f"MSG-{self._next_id}", message_type, content, subject, receivers, sender, utc_now()
        )
        self._next_id += 1
        self._messages[message.id] = message
        if len(self._messages) > MAX_MESSAGES:
            self._messages.popitem(last=False)
        for receiver in dict.fromkeys(_inbox_key(r) for r in receivers):
            inbox = self._by_receiver.setdefault(receiver, deque(maxlen=MAX_PER_RECEIVER))
            inbox.appendleft(message)
        return message

    def message(self, message_id: str) -> MessageRecord | None:
        return self._messages.get(message_id)

    def inbox(self, receivers: tuple[str, ...]) -> list[MessageRecord]:
        """Messages to any of ``receivers`` (numbers or addresses), newest first."""
        found = {m.id: m for r in receivers for m in self._by_receiver.get(_inbox_key(r), ())}
        return sorted(found.values(), key=_newest_first)

    def all(self) -> list[MessageRecord]:
        return list(reversed(self._messages.values()))


def _inbox_key(receiver: str) -> str:
    # Addresses are case-insensitive in practice; numbers have no case.
    return receiver.lower()


def _newest_first(message: MessageRecord) -> tuple[float, int]:
    return (-message.sent.timestamp(), -int(message.id.removeprefix("MSG-")))
