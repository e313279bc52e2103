"""Top-ups (TMF654 ``topupBalance``): one-off top-ups paid by a payment, and autopays.

A one-off top-up puts a succeeded payment of the same amount and number on the balance;
each payment tops up once. An autopay (``isAutoTopup``) is a standing order: monthly
(``recurringPeriod``) or when the balance falls below a threshold; one per number, a new
one replaces (cancels) the old. The simulator runs no calendar, so monthly autopays are
only recorded; threshold autopays run when a charge leaves the balance below the
threshold, as a child top-up paid with the autopay's payment method.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from backends.billing.accounts import Account
from backends.billing.ledger import Ledger, LedgerEntry
from backends.billing.payments import PaymentBook, PaymentMethodChoice, PaymentRecord
from backends.kit.errors import unprocessable

MONTHLY = "monthly"
AUTOPAY_REASON = "autopay"


class TopupStatus(StrEnum):
    """TMF654 ActionStatusType: an autopay in force is ``created``."""

    CREATED = "created"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"


@dataclass
class TopupRecord:
    id: str
    msisdn: str
    amount: Decimal
    status: TopupStatus
    requested: datetime
    confirmed: datetime | None = None
    payment_id: str | None = None
    idempotency_key: str | None = None
    auto: bool = False  # an autopay (standing order), not a top-up that ran
    recurring_period: str | None = None
    threshold: Decimal | None = None
    method: PaymentMethodChoice | None = None
    parent_id: str | None = None  # the autopay that ran this top-up
    reason: str | None = None
    cancelled: datetime | None = None


class TopupBook:
    def __init__(self) -> None:
        self._records: dict[str, TopupRecord] = {}
        self._by_msisdn: dict[str, list[TopupRecord]] = {}
        self._autopays: dict[str, TopupRecord] = {}  # by number: the one in force
        self._ids = itertools.count(1)

    def new_id(self) -> str:
        return f"TUB-{next(self._ids)}"

    def add(self, record: TopupRecord) -> None:
        self._records[record.id] = record
        self._by_msisdn.setdefault(record.msisdn, []).append(record)

    def topup(self, topup_id: str) -> TopupRecord | None:
        return self._records.get(topup_id)

    def of(self, msisdns: Iterable[str] | None) -> Iterator[TopupRecord]:
        if msisdns is None:
            yield from self._records.values()
            return
        for msisdn in msisdns:
            yield from self._by_msisdn.get(msisdn, ())

    def autopay(self, msisdn: str) -> TopupRecord | None:
        return self._autopays.get(msisdn)

    def install_autopay(self, autopay: TopupRecord, now: datetime) -> TopupRecord | None:
        """Put ``autopay`` in force; returns the one it replaced (now cancelled)."""
        replaced = self._autopays.get(autopay.msisdn)
        if replaced is not None:
            self.cancel(replaced, now)
        self.add(autopay)
        self._autopays[autopay.msisdn] = autopay
        return replaced

    def cancel(self, autopay: TopupRecord, now: datetime) -> None:
        autopay.status = TopupStatus.CANCELLED
        autopay.cancelled = now
        if self._autopays.get(autopay.msisdn) is autopay:
            del self._autopays[autopay.msisdn]


def top_up(
    account: Account,
    amount: Decimal,
    payment_id: str,
    payment: PaymentRecord | None,
    book: TopupBook,
    ledger: Ledger,
    idempotency_key: str | None,
    now: datetime,
) -> TopupRecord:
    """Put a payment on the balance; a 422 when the payment cannot pay for this top-up."""
    if payment is None:
        raise unprocessable("PAYMENT_NOT_FOUND", f"no payment {payment_id!r}")
    if not payment.succeeded:
        raise unprocessable("PAYMENT_DECLINED", f"payment {payment.id} was declined")
    if payment.msisdn != account.msisdn or payment.amount != amount:
        raise unprocessable(
            "PAYMENT_MISMATCH",
            f"payment {payment.id} is {payment.amount} RUB for {payment.msisdn}, "
            f"not {amount} RUB for {account.msisdn}",
        )
    if payment.topup_id is not None:
        raise unprocessable(
            "PAYMENT_ALREADY_USED", f"payment {payment.id} already paid for {payment.topup_id}"
        )
    record = TopupRecord(
        book.new_id(),
        account.msisdn,
        amount,
        TopupStatus.COMPLETED,
        requested=now,
        confirmed=now,
        payment_id=payment.id,
        idempotency_key=idempotency_key,
    )
    _credit(account, record, payment, book, ledger, now)
    return record


def reverse(account: Account, record: TopupRecord, ledger: Ledger, now: datetime) -> None:
    """Take a completed top-up back off the balance; the top-up is then ``cancelled``.
    Its payment stays used (it is to be voided or refunded, never to pay a second time)."""
    account.balance -= record.amount
    record.status = TopupStatus.CANCELLED
    record.cancelled = now
    ledger.record(
        LedgerEntry(
            record.id,
            account.msisdn,
            -record.amount,
            record.payment_id,
            record.idempotency_key,
            now,
            account.balance,
        )
    )


def run_autopay(
    account: Account, book: TopupBook, payments: PaymentBook, ledger: Ledger, now: datetime
) -> TopupRecord | None:
    """Run the number's threshold autopay if the balance is below its threshold.

    Returns the top-up it ran (``completed``, or ``failed`` when the payment was declined),
    or None when there was nothing to run.
    """
    autopay = book.autopay(account.msisdn)
    if autopay is None or autopay.threshold is None or autopay.method is None:
        return None
    if account.balance >= autopay.threshold:
        return None
    payment = payments.pay(account.msisdn, autopay.amount, autopay.method, AUTOPAY_REASON, now)
    record = TopupRecord(
        book.new_id(),
        account.msisdn,
        autopay.amount,
        TopupStatus.COMPLETED if payment.succeeded else TopupStatus.FAILED,
        requested=now,
        confirmed=now if payment.succeeded else None,
        payment_id=payment.id,
        parent_id=autopay.id,
        reason=AUTOPAY_REASON if payment.succeeded else payment.decline_reason,
    )
    if payment.succeeded:
        _credit(account, record, payment, book, ledger, now)
    else:
        book.add(record)
    return record


def _credit(
    account: Account,
    record: TopupRecord,
    payment: PaymentRecord,
    book: TopupBook,
    ledger: Ledger,
    now: datetime,
) -> None:
    account.balance += record.amount
    payment.topup_id = record.id
    book.add(record)
    ledger.record(
        LedgerEntry(
            record.id,
            account.msisdn,
            record.amount,
            payment.id,
            record.idempotency_key,
            now,
            account.balance,
        )
    )
