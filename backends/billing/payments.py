"""Payments (TMF676): money taken from a card or a wallet, to be put on a balance by a
top-up that names the payment (once).

A payment moves no balance by itself. Its outcome is decided by the payment method, with
the test tokens of card processors: a token containing ``declined`` is declined with
``CARD_DECLINED``, ``tok_insufficient_funds`` with ``INSUFFICIENT_FUNDS``; every other
token, and every saved card, succeeds.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from backends.wallet import SavedCard

DECLINED_MARKER = "declined"
INSUFFICIENT_FUNDS_TOKEN = "tok_insufficient_funds"  # noqa: S105 - a documented test token


class PaymentStatus(StrEnum):
    SUCCEEDED = "succeeded"
    DECLINED = "declined"


class DeclineReason(StrEnum):
    CARD_DECLINED = "CARD_DECLINED"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"


class MethodKind(StrEnum):
    """TMF670 payment method types the simulator takes."""

    BANK_CARD = "bankCard"
    TOKENIZED_CARD = "tokenizedCard"
    DIGITAL_WALLET = "digitalWallet"


WALLET_NAMES = {"ApplePay": "Apple Pay", "GooglePay": "Google Pay"}


@dataclass(frozen=True, slots=True)
class PaymentMethodChoice:
    """How to pay: a saved card, a one-time card token, or a wallet token."""

    kind: MethodKind
    card: SavedCard | None = None
    token: str | None = None
    wallet: str | None = None  # ApplePay or GooglePay
    last_four: str | None = None  # of a tokenized card, when the client says

    @property
    def name(self) -> str:
        if self.card is not None:
            return self.card.name
        if self.wallet is not None:
            return WALLET_NAMES[self.wallet]
        return f"Карта •••• {self.last_four}" if self.last_four else "Банковская карта"

    def decline_reason(self) -> DeclineReason | None:
        if self.token is None:
            return None
        if self.token == INSUFFICIENT_FUNDS_TOKEN:
            return DeclineReason.INSUFFICIENT_FUNDS
        if DECLINED_MARKER in self.token:
            return DeclineReason.CARD_DECLINED
        return None


@dataclass
class PaymentRecord:
    id: str
    msisdn: str
    amount: Decimal
    method: PaymentMethodChoice
    status: PaymentStatus
    decline_reason: DeclineReason | None
    created: datetime
    authorization_code: str | None
    description: str | None
    topup_id: str | None = None  # the top-up that put it on the balance

    @property
    def succeeded(self) -> bool:
        return self.status is PaymentStatus.SUCCEEDED


class PaymentBook:
    def __init__(self) -> None:
        self._payments: dict[str, PaymentRecord] = {}
        self._by_msisdn: dict[str, list[PaymentRecord]] = {}
        self._ids = itertools.count(1)

    def pay(
        self,
        msisdn: str,
        amount: Decimal,
        method: PaymentMethodChoice,
        description: str | None,
        now: datetime,
    ) -> PaymentRecord:
        reason = method.decline_reason()
        payment = PaymentRecord(
            id=f"PAY-{next(self._ids)}",
            msisdn=msisdn,
            amount=amount,
            method=method,
            status=PaymentStatus.DECLINED if reason else PaymentStatus.SUCCEEDED,
            decline_reason=reason,
            created=now,
            authorization_code=None if reason else secrets.token_hex(3).upper(),
            description=description,
        )
        self._payments[payment.id] = payment
        self._by_msisdn.setdefault(msisdn, []).append(payment)
        return payment

    def payment(self, payment_id: str) -> PaymentRecord | None:
        return self._payments.get(payment_id)

    def of(self, msisdns: Iterable[str] | None) -> Iterator[PaymentRecord]:
        if msisdns is None:
            yield from self._payments.values()
            return
        for msisdn in msisdns:
            yield from self._by_msisdn.get(msisdn, ())
