"""Balance adjustments (TMF654 ``adjustBalance``): what provisioning charges and grants.

- Money (``usageType: monetary``): a negative amount charges, a positive one credits. A
  charge that would leave the balance below zero is refused with ``INSUFFICIENT_BALANCE``
  unless the request says ``allowNegative`` (a charge the operator takes regardless).
- A quota (``data``, ``voice``, ``sms``) without a ``bucket``: a new bucket of that amount
  (a traffic package), valid for ``validFor`` (default: 30 days from now).
- A quota with a ``bucket``: that bucket grows or shrinks (never below zero).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from backends.billing.accounts import Account, QuotaBucket, unit_of
from backends.kit.errors import invalid, unprocessable

MONETARY = "monetary"
DEFAULT_VALIDITY = timedelta(days=30)
DEFAULT_PACKAGE_NAME = "Пакет"


@dataclass(frozen=True, slots=True)
class AdjustmentRequest:
    msisdn: str
    usage_type: str
    amount: Decimal
    bucket_id: str | None
    allow_negative: bool
    name: str | None
    valid_from: datetime | None
    valid_until: datetime | None
    product_id: str | None
    adjust_type: str  # TMF AdjustType: oneTime or recurring (kept, not acted on)
    reason: str | None
    # The spending category the money adjustment counts under (a simulator extension of
    # TMF654: TMF678's appliedCustomerBillingRate ``type``); None: not said.
    charge_type: str | None = None


@dataclass
class AdjustmentRecord:
    id: str
    request: AdjustmentRequest
    bucket_id: str
    created: datetime


class AdjustmentBook:
    def __init__(self) -> None:
        self._records: dict[str, AdjustmentRecord] = {}
        self._ids = itertools.count(1)

    def new_id(self) -> str:
        return f"ADJ-{next(self._ids)}"

    def add(self, record: AdjustmentRecord) -> None:
        self._records[record.id] = record

    def adjustment(self, adjustment_id: str) -> AdjustmentRecord | None:
        return self._records.get(adjustment_id)

    def of(self, msisdns: Iterable[str] | None) -> Iterator[AdjustmentRecord]:
        wanted = None if msisdns is None else set(msisdns)
        for record in self._records.values():
            if wanted is None or record.request.msisdn in wanted:
                yield record


def adjust(
    book: AdjustmentBook, account: Account, request: AdjustmentRequest, now: datetime
) -> AdjustmentRecord:
    """Apply the adjustment, or refuse it (422) changing nothing."""
    if request.usage_type == MONETARY:
        bucket_id = _adjust_money(account, request)
    elif request.bucket_id is not None:
        bucket_id = _adjust_bucket(account, request)
    else:
        bucket_id = _new_bucket(account, request, now)
    record = AdjustmentRecord(book.new_id(), request, bucket_id, now)
    book.add(record)
    return record


def _adjust_money(account: Account, request: AdjustmentRequest) -> str:
    if request.bucket_id not in (None, account.monetary_bucket_id):
        raise _unknown_bucket(request)
    after = account.balance + request.amount
    if request.amount < 0 and after < 0 and not request.allow_negative:
        raise unprocessable(
            "INSUFFICIENT_BALANCE",
            f"{account.msisdn} has {account.balance} RUB, the charge is {-request.amount} RUB",
        )
    account.balance = after
    return account.monetary_bucket_id


def _adjust_bucket(account: Account, request: AdjustmentRequest) -> str:
    bucket = account.bucket(request.bucket_id or "")
    if bucket is None or bucket.usage_type != request.usage_type or bucket.unlimited:
        raise _unknown_bucket(request)
    if bucket.remaining + request.amount < 0:
        raise unprocessable(
            "INSUFFICIENT_BALANCE",
            f"{bucket.id} has {bucket.remaining} {bucket.units} left, not {-request.amount}",
        )
    bucket.remaining += request.amount
    if request.amount > 0:
        bucket.initial += request.amount
    return bucket.id


def _new_bucket(account: Account, request: AdjustmentRequest, now: datetime) -> str:
    if request.amount <= 0:
        raise invalid("INVALID_AMOUNT", "a new quota bucket needs a positive 'amount'")
    start = request.valid_from or now
    bucket = QuotaBucket(
        id=account.next_package_bucket_id(),
        usage_type=request.usage_type,
        name=request.name or DEFAULT_PACKAGE_NAME,
        units=unit_of(request.usage_type) or "",
        initial=request.amount,
        remaining=request.amount,
        unlimited=False,
        valid_from=start,
        valid_until=request.valid_until or start + DEFAULT_VALIDITY,
        product_id=request.product_id,
    )
    account.quotas.append(bucket)
    return bucket.id


def _unknown_bucket(request: AdjustmentRequest) -> Exception:
    return unprocessable(
        "UNKNOWN_BUCKET",
        f"{request.msisdn} has no adjustable {request.usage_type} bucket {request.bucket_id!r}",
    )
