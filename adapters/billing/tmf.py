"""TMF654 buckets and TMF678 applied charges, parsed leniently into records.

Field names moved between spec versions (R17's `remainedAmount` became v4's
`remainingValue`), so both are read; what matters (usage type, amount) is validated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from adapters.clock import parse_timestamp
from domain.billing import BalanceRecord, ChargeRecord, QuotaRecord
from domain.money import Money, parse_money
from domain.quotas import QuotaKind

_QUOTA_KINDS = {"data": QuotaKind.DATA, "voice": QuotaKind.VOICE, "sms": QuotaKind.SMS}


def bucket_msisdn(bucket: Mapping[str, Any]) -> str | None:
    for ref in bucket.get("logicalResource") or ():
        if isinstance(ref, Mapping) and ref.get("id"):
            return str(ref.get("value") or ref["id"])
    return None


def _remaining(bucket: Mapping[str, Any]) -> Money:
    value = bucket.get("remainingValue") or bucket.get("remainedAmount")
    if not isinstance(value, Mapping):
        raise ValueError(f"bucket {bucket.get('id')!r} has no remaining value")
    return parse_money(value)


def _valid_until(bucket: Mapping[str, Any]) -> datetime | None:
    period = bucket.get("validFor")
    if isinstance(period, Mapping) and period.get("endDateTime"):
        return parse_timestamp(str(period["endDateTime"]))
    return None


def parse_quota(bucket: Mapping[str, Any]) -> QuotaRecord | None:
    kind = _QUOTA_KINDS.get(str(bucket.get("usageType")))
    if kind is None:
        return None
    unlimited = bool(bucket.get("isUnlimited"))
    initial = bucket.get("initialValue")
    total = float(parse_money(initial).amount) if isinstance(initial, Mapping) else None
    return QuotaRecord(
        kind=kind,
        remaining=0.0 if unlimited else float(_remaining(bucket).amount),
        total=None if unlimited else total,
        unit=kind.unit,
        unlimited=unlimited,
        valid_until=_valid_until(bucket),
        name=str(bucket["name"]) if bucket.get("name") else None,
    )


def parse_balances(
    buckets: Iterable[Mapping[str, Any]], read_at: datetime
) -> dict[str, BalanceRecord]:
    money: dict[str, Money] = {}
    quotas: dict[str, list[QuotaRecord]] = defaultdict(list)
    for bucket in buckets:
        msisdn = bucket_msisdn(bucket)
        if msisdn is None or bucket.get("status", "active") != "active":
            continue
        if bucket.get("usageType") == "monetary":
            amount = _remaining(bucket)
            money[msisdn] = money[msisdn] + amount if msisdn in money else amount
            continue
        quota = parse_quota(bucket)
        if quota is not None:
            quotas[msisdn].append(quota)
    # A number is known to billing when it has a money bucket; quotas alone do not make
    # a balance.
    return {
        msisdn: BalanceRecord(
            msisdn=msisdn,
            money=amount,
            quotas=tuple(sorted(quotas.get(msisdn, ()), key=_quota_order)),
            updated_at=read_at,
        )
        for msisdn, amount in money.items()
    }


def _quota_order(quota: QuotaRecord) -> tuple[int, datetime | None]:
    return (list(QuotaKind).index(quota.kind), quota.valid_until)


def parse_charge(rate: Mapping[str, Any]) -> ChargeRecord | None:
    account = rate.get("billingAccount")
    amount = rate.get("taxIncludedAmount") or rate.get("taxExcludedAmount")
    if not isinstance(account, Mapping) or not isinstance(amount, Mapping):
        return None
    return ChargeRecord(
        msisdn=str(account.get("id")),
        category=str(rate.get("type") or "other"),
        name=str(rate.get("name") or ""),
        amount=parse_money(amount),
        charged_at=parse_timestamp(str(rate["date"])),
    )
