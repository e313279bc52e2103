"""Payment methods and payments."""

from __future__ import annotations

from dataclasses import dataclass
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
