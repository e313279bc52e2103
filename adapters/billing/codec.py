"""Balance records to and from cache bytes. The layout's version is part of the cache key,
so a deploy that changes it never reads the old layout."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson

from adapters.clock import parse_timestamp
from domain.billing import BalanceRecord, QuotaRecord
from domain.money import Money
from domain.quotas import QuotaKind

LAYOUT_VERSION = "v2"  # v2: a quota's name


def encode_balance(record: BalanceRecord) -> bytes:
    return orjson.dumps(
        {
            "m": record.msisdn,
            "a": str(record.money.amount),
            "c": record.money.currency,
            "u": record.updated_at.isoformat(),
            "k": record.charge_at_quota_end,
            "q": [
                [
                    q.kind.value,
                    q.remaining,
                    q.total,
                    q.unit,
                    q.unlimited,
                    q.valid_until.isoformat() if q.valid_until else None,
                    q.name,
                ]
                for q in record.quotas
            ],
        }
    )


def decode_balance(data: bytes) -> BalanceRecord:
    raw: dict[str, Any] = orjson.loads(data)
    return BalanceRecord(
        msisdn=raw["m"],
        money=Money(Decimal(raw["a"]), raw["c"]),
        quotas=tuple(_quota(q) for q in raw["q"]),
        updated_at=parse_timestamp(raw["u"]),
        # Absent from entries written before it existed: they read as before.
        charge_at_quota_end=raw.get("k", True),
    )


def _quota(raw: list[Any]) -> QuotaRecord:
    kind, remaining, total, unit, unlimited, valid_until, name = raw
    until: datetime | None = parse_timestamp(valid_until) if valid_until else None
    return QuotaRecord(QuotaKind(kind), remaining, total, unit, unlimited, until, name)
