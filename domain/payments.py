"""Payment methods and payments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from domain.money import Money


class MethodKind(Enum):
    SAVED_CARD = "savedCard"
    CARD_TOKEN = "cardToken"  # noqa: S105 - a kind of payment method, not a secret
    APPLE_PAY = "applePay"
    GOOGLE_PAY = "googlePay"


@dataclass(frozen=True, slots=True)
class PaymentMethodSpec:
    """How to pay: a saved card's id, or a one-time token (card form, Apple/Google Pay)."""

    kind: MethodKind
    value: str

    def to_tmf(self) -> dict[str, str]:
        if self.kind is MethodKind.SAVED_CARD:
            return {"@type": "bankCard", "id": self.value}
        if self.kind is MethodKind.CARD_TOKEN:
            return {"@type": "tokenizedCard", "token": self.value}
        service = "ApplePay" if self.kind is MethodKind.APPLE_PAY else "GooglePay"
        return {"@type": "digitalWallet", "service": service, "token": self.value}


@dataclass(frozen=True, slots=True)
class SavedCardRecord:
    id: str
    name: str
    last_four: str | None
    preferred: bool


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    id: str
    amount: Money
    succeeded: bool  # taken, or held for a capture: not declined, not voided
    decline_reason: str | None
    # succeeded, declined, authorized, captured or voided (TMF676 status as payments says)
    status: str = ""
    refunded: Money | None = None


class TopUpState(Enum):
    """Where a top-up's payment stands, as a number's history shows it."""

    PENDING = "PENDING"  # held on the card, not put on the balance or taken yet
    COMPLETED = "COMPLETED"  # taken and put on the balance
    DECLINED = "DECLINED"  # the card or wallet refused: nothing taken
    CANCELLED = "CANCELLED"  # the hold released: nothing taken, nothing credited
    REFUNDED = "REFUNDED"  # taken, then given back whole


# TMF676 payment status as payments says it -> the top-up's state (before refunds).
_STATES = {
    "authorized": TopUpState.PENDING,
    "succeeded": TopUpState.COMPLETED,
    "captured": TopUpState.COMPLETED,
    "declined": TopUpState.DECLINED,
    "voided": TopUpState.CANCELLED,
}


def top_up_state(status: str, amount: Money, refunded: Money | None) -> TopUpState:
    """A KeyError for a status payments does not define (an unreadable answer)."""
    state = _STATES[status]
    if state is TopUpState.COMPLETED and refunded is not None and refunded.amount >= amount.amount:
        return TopUpState.REFUNDED
    return state


@dataclass(frozen=True, slots=True)
class TopUpPaymentRecord:
    """A payment made to top a number up (TMF676): every payment the gateway makes is one,
    the top-up saga's and an autopay's alike."""

    id: str  # the payment's
    msisdn: str
    amount: Money
    state: TopUpState
    paid_at: datetime
    method: MethodKind | None  # None: a kind this gateway does not offer
    method_name: str | None  # "Visa •••• 4242", "Apple Pay": no token, no card number
    top_up_id: str | None  # billing's top-up that put it on the balance, once it did
    refunded: Money | None
