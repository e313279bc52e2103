"""The messages sent, in memory, newest first per receiver.

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
    message_type: str
    content: str
    subject: str | None
    receivers: list[str]  # phone numbers
    sender: dict[str, str]
    sent: datetime
    state: str = "completed"


class SmsState:
    def __init__(self) -> None:
        self._messages: OrderedDict[str, MessageRecord] = OrderedDict()
        self._by_receiver: dict[str, deque[MessageRecord]] = {}
        self._next_id = 1

    def send(
        self, content: str, receivers: list[str], sender: dict[str, str], subject: str | None
    ) -> MessageRecord:
        """Record a message as delivered at once (``completed``)."""
        message = MessageRecord(
            f"MSG-{self._next_id}", "SMS", content, subject, receivers, sender, utc_now()
        )
        self._next_id += 1
        self._messages[message.id] = message
        if len(self._messages) > MAX_MESSAGES:
            self._messages.popitem(last=False)
        for receiver in dict.fromkeys(receivers):
            inbox = self._by_receiver.setdefault(receiver, deque(maxlen=MAX_PER_RECEIVER))
            inbox.appendleft(message)
        return message

    def message(self, message_id: str) -> MessageRecord | None:
        return self._messages.get(message_id)

    def inbox(self, receivers: tuple[str, ...]) -> list[MessageRecord]:
        """Messages to any of ``receivers``, newest first."""
        found = {m.id: m for r in receivers for m in self._by_receiver.get(r, ())}
        return sorted(found.values(), key=_newest_first)

    def all(self) -> list[MessageRecord]:
        return list(reversed(self._messages.values()))


def _newest_first(message: MessageRecord) -> tuple[float, int]:
    return (-message.sent.timestamp(), -int(message.id.removeprefix("MSG-")))
