"""Payments (TMF676): money taken from a card or a wallet, to be put on a balance by a
top-up that names the payment (once).

A payment is taken at once, or (``authorizeOnly``) authorized first: held on the card,
then captured (taken) or voided (released); a taken payment may be refunded (TMF676
``refund``), in part or whole. A payment moves no balance by itself. Its outcome is
decided by the payment method, with the test tokens of card processors: a token
containing ``declined`` is declined with ``CARD_DECLINED``, ``tok_insufficient_funds``
with ``INSUFFICIENT_FUNDS``; every other token, and every saved card, succeeds.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from backends.kit.errors import unprocessable
from backends.wallet import SavedCard

DECLINED_MARKER = "declined"
INSUFFICIENT_FUNDS_TOKEN = "tok_insufficient_funds"  # noqa: S105 - a documented test token


class PaymentStatus(StrEnum):
    SUCCEEDED = "succeeded"  # taken at once (no separate capture)
    DECLINED = "declined"
    AUTHORIZED = "authorized"  # held on the card, not taken yet
    CAPTURED = "captured"  # an authorization taken
    VOIDED = "voided"  # an authorization released: nothing was taken


# The states in which the money is (or will be) taken, so a top-up may name the payment.
PAYABLE = (PaymentStatus.SUCCEEDED, PaymentStatus.AUTHORIZED, PaymentStatus.CAPTURED)
TAKEN = (PaymentStatus.SUCCEEDED, PaymentStatus.CAPTURED)


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
    correlator: str | None = None  # the caller's key (TMF676 correlatorId), to find it by
    refunded: Decimal = Decimal(0)

    @property
    def succeeded(self) -> bool:
        return self.status in PAYABLE

    @property
    def taken(self) -> Decimal:
        """What the card has given and not got back."""
        return (self.amount if self.status in TAKEN else Decimal(0)) - self.refunded


@dataclass(frozen=True, slots=True)
class RefundRecord:
    id: str
    payment_id: str
    msisdn: str
    amount: Decimal
    created: datetime
    correlator: str | None


class PaymentBook:
    def __init__(self) -> None:
        self._payments: dict[str, PaymentRecord] = {}
        self._by_msisdn: dict[str, list[PaymentRecord]] = {}
        self._refunds: dict[str, RefundRecord] = {}
        self._ids = itertools.count(1)

    def pay(
        self,
        msisdn: str,
        amount: Decimal,
        method: PaymentMethodChoice,
        description: str | None,
        now: datetime,
        *,
        authorize_only: bool = False,
        correlator: str | None = None,
    ) -> PaymentRecord:
        reason = method.decline_reason()
        taken = PaymentStatus.AUTHORIZED if authorize_only else PaymentStatus.SUCCEEDED
        payment = PaymentRecord(
            id=f"PAY-{next(self._ids)}",
            msisdn=msisdn,
            amount=amount,
            method=method,
            status=PaymentStatus.DECLINED if reason else taken,
            decline_reason=reason,
            created=now,
            authorization_code=None if reason else secrets.token_hex(3).upper(),
            description=description,
            correlator=correlator,
        )
        self._payments[payment.id] = payment
        self._by_msisdn.setdefault(msisdn, []).append(payment)
        return payment

    def capture(self, payment: PaymentRecord) -> None:
        """Take an authorized payment; taking it again changes nothing."""
        if payment.status is PaymentStatus.CAPTURED:
            return
        if payment.status is not PaymentStatus.AUTHORIZED:
            raise unprocessable("NOT_CAPTURABLE", f"payment {payment.id} is {payment.status}")
        payment.status = PaymentStatus.CAPTURED

    def void(self, payment: PaymentRecord) -> None:
        """Release an authorization; releasing it again changes nothing."""
        if payment.status is PaymentStatus.VOIDED:
            return
        if payment.status is not PaymentStatus.AUTHORIZED:
            raise unprocessable("NOT_VOIDABLE", f"payment {payment.id} is {payment.status}")
        payment.status = PaymentStatus.VOIDED

    def refund(
        self, payment: PaymentRecord, amount: Decimal, correlator: str | None, now: datetime
    ) -> RefundRecord:
        if payment.status not in TAKEN:
            raise unprocessable("NOT_REFUNDABLE", f"payment {payment.id} is {payment.status}")
        if amount <= 0 or payment.refunded + amount > payment.amount:
            raise unprocessable(
                "REFUND_TOO_LARGE",
                f"payment {payment.id} has {payment.amount - payment.refunded} RUB to refund",
            )
        payment.refunded += amount
        refund = RefundRecord(
            f"REF-{next(self._ids)}", payment.id, payment.msisdn, amount, now, correlator
        )
        self._refunds[refund.id] = refund
        return refund

    def refunds(self) -> Iterator[RefundRecord]:
        yield from self._refunds.values()

    def by_correlator(self, correlator: str) -> Iterator[PaymentRecord]:
        return (p for p in self._payments.values() if p.correlator == correlator)

    def payment(self, payment_id: str) -> PaymentRecord | None:
        return self._payments.get(payment_id)

    def of(self, msisdns: Iterable[str] | None) -> Iterator[PaymentRecord]:
        if msisdns is None:
            yield from self._payments.values()
            return
        for msisdn in msisdns:
            yield from self._by_msisdn.get(msisdn, ())
