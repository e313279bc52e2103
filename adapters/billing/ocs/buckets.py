"""OCS buckets into a balance record: money buckets summed, the others as quotas.

A bucket counts as OCS counts it in its accumulatedBalance and its rating (recorded
2026-12-06): when it has no end or ends later than now; the start is not looked at, so a
bucket dated to start later counts today (a quota shows its `validFrom`). Expired buckets
(kept until cleaned up) and the rating's own `session` buckets (start = end) do not count.
Negative money buckets are summed like the others, as OCS's accumulated balance does.
The record names no next charge: nothing OCS answers carries one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from adapters.billing.ocs.timestamps import parse_ocs_timestamp
from adapters.billing.ocs.units import (
    CENTS,
    MESSAGES,
    OCTETS,
    SECONDS,
    Quantity,
    octets_to_gb,
    parse_quantity,
    seconds_to_minutes,
)
from domain.billing import BalanceRecord, QuotaRecord
from domain.money import Money
from domain.quotas import QuotaKind

_KINDS = {OCTETS: QuotaKind.DATA, SECONDS: QuotaKind.VOICE, MESSAGES: QuotaKind.SMS}


def balance_from_buckets(
    msisdn: str, buckets: Iterable[Any], currency: str, now: datetime
) -> BalanceRecord:
    money = Decimal(0)
    quotas: list[QuotaRecord] = []
    for bucket in buckets:
        if not isinstance(bucket, Mapping):
            raise ValueError(f"a bucket is not an object: {bucket!r}")
        quantity = _remaining(bucket)
        start, end = _validity(bucket)
        if quantity is None or not _in_force(bucket, start, end, now):
            continue
        if quantity.units == CENTS:
            money += quantity.amount
        else:
            later = start if start is not None and start > now else None
            quotas.append(_quota(quantity, end, later))
    return BalanceRecord(
        msisdn=msisdn,
        money=Money(money, currency),
        quotas=tuple(sorted(quotas, key=_quota_order)),
        updated_at=now,
        # OCS's recorded product carries only `startDate` (no end, validFor or renewal),
        # and the earliest bucket end may be a top-up's: no next charge, never invented
        # (docs/backends.md, "SigScale OCS").
        charge_at_quota_end=False,
    )


def _remaining(bucket: Mapping[str, Any]) -> Quantity | None:
    # `remainAmount` is what OCS releases before 3.x wrote for non-money buckets.
    value = bucket.get("remainedAmount") or bucket.get("remainAmount")
    if not isinstance(value, Mapping):
        raise ValueError(f"bucket {bucket.get('id')!r} has no remainedAmount")
    return parse_quantity(value)


def _validity(bucket: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    period = bucket.get("validFor")
    if not isinstance(period, Mapping):
        return None, None
    start, end = period.get("startDateTime"), period.get("endDateTime")
    return (
        parse_ocs_timestamp(str(start)) if start else None,
        parse_ocs_timestamp(str(end)) if end else None,
    )


def _in_force(
    bucket: Mapping[str, Any], start: datetime | None, end: datetime | None, now: datetime
) -> bool:
    # The captures never show lifecycleStatus; "expired" is the one value that surely
    # means the bucket is spent, whatever its dates say.
    if str(bucket.get("lifecycleStatus") or "").lower() == "expired":
        return False
    return end is None or now < end


def _quota(quantity: Quantity, end: datetime | None, start: datetime | None) -> QuotaRecord:
    kind = _KINDS[quantity.units]
    if kind is QuotaKind.DATA:
        remaining = octets_to_gb(quantity.amount)
    elif kind is QuotaKind.VOICE:
        remaining = seconds_to_minutes(quantity.amount)
    else:
        remaining = quantity.amount
    # OCS buckets carry what remains, never what was granted, and have no notion of an
    # unlimited bucket: total is unknown (None) and unlimited is always False.
    return QuotaRecord(
        kind=kind,
        remaining=float(remaining),
        total=None,
        unit=kind.unit,
        unlimited=False,
        valid_until=end,
        valid_from=start,
    )


def _quota_order(quota: QuotaRecord) -> tuple[int, datetime]:
    # Same order as the v4 adapter (kind, then soonest to expire); no end sorts last.
    until = quota.valid_until or datetime.max.replace(tzinfo=UTC)
    return (list(QuotaKind).index(quota.kind), until)
