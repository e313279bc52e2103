"""What the operator's systems announce, as the gateway passes it on to live subscribers:
records, whatever the backend's hub spoke (TMF events, SigScale OCS notifications). The
listener turns each announcement into one of these; the live resolvers read them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from domain.provisioning import OrderRecord
from domain.support import MessageRecord


@dataclass(frozen=True, slots=True)
class BalanceChanged:
    """Billing changed the number's balance; `event_id` is the hub's, to tell events apart."""

    msisdn: str
    event_id: str
    kind: Literal["balance"] = "balance"


@dataclass(frozen=True, slots=True)
class OrderUpdated:
    order: OrderRecord
    kind: Literal["order"] = "order"


@dataclass(frozen=True, slots=True)
class MessagePosted:
    message: MessageRecord
    kind: Literal["message"] = "message"


# The topic every support message is published on as well as its conversation's: the
# agents' inbox (`supportInbox`) follows it.
SUPPORT_INBOX = "support:inbox"

Event = BalanceChanged | OrderUpdated | MessagePosted
