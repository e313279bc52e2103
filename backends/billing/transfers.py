"""Sharing gigabytes (TMF654 ``transferBalance`` with ``usageType: data``).

Whole GB, 1 to 30 per transfer, within the operator, never to oneself. The sender gives
from the finite data quotas usable now, the one that expires first first (unlimited data
cannot be given); the receiver gets a new package quota bucket, «Подарок от +7...», valid
for 30 days.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from backends.billing.accounts import Account, QuotaBucket
from backends.kit.errors import unprocessable

MIN_GB = 1
MAX_GB = 30
GIFT_VALIDITY = timedelta(days=30)


@dataclass
class TransferRecord:
    id: str
    sender: str
    receiver: str
    gigabytes: Decimal
    created: datetime
    sender_buckets: list[str]  # the buckets the gigabytes came from
    receiver_bucket: str  # the gift bucket
    reason: str | None


class TransferBook:
    def __init__(self) -> None:
        self._records: dict[str, TransferRecord] = {}
        self._ids = itertools.count(1)

    def new_id(self) -> str:
        return f"TRB-{next(self._ids)}"

    def add(self, record: TransferRecord) -> None:
        self._records[record.id] = record

    def transfer(self, transfer_id: str) -> TransferRecord | None:
        return self._records.get(transfer_id)

    def of(self, msisdns: Iterable[str] | None) -> Iterator[TransferRecord]:
        """Transfers the listed numbers sent or received."""
        wanted = None if msisdns is None else set(msisdns)
        for record in self._records.values():
            if wanted is None or record.sender in wanted or record.receiver in wanted:
                yield record


def transferable(account: Account, now: datetime) -> Decimal:
    return sum((q.remaining for q in account.data_buckets(now) if not q.unlimited), Decimal(0))


def transfer_data(
    book: TransferBook,
    sender: Account,
    receiver: Account,
    gigabytes: Decimal,
    reason: str | None,
    now: datetime,
) -> TransferRecord:
    """Move the gigabytes; a 422 ``INSUFFICIENT_BALANCE`` when the sender has fewer."""
    available = transferable(sender, now)
    if available < gigabytes:
        raise unprocessable(
            "INSUFFICIENT_BALANCE",
            f"{sender.msisdn} has {available} GB to give, not {gigabytes}",
        )
    taken: list[str] = []
    left = gigabytes
    for bucket in sender.data_buckets(now):
        if left == 0:
            break
        if bucket.unlimited or bucket.remaining == 0:
            continue
        part = min(bucket.remaining, left)
        bucket.remaining -= part
        left -= part
        taken.append(bucket.id)
    gift = QuotaBucket(
        id=receiver.next_package_bucket_id(),
        usage_type="data",
        name=f"Подарок от {sender.msisdn}",
        units="GB",
        initial=gigabytes,
        remaining=gigabytes,
        unlimited=False,
        valid_from=now,
        valid_until=now + GIFT_VALIDITY,
        product_id=None,
    )
    receiver.quotas.append(gift)
    record = TransferRecord(
        book.new_id(), sender.msisdn, receiver.msisdn, gigabytes, now, taken, gift.id, reason
    )
    book.add(record)
    return record
