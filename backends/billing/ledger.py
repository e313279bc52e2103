"""The ledger: every top-up that changed a balance, one entry each, in order.

A test compares it with the requests it made: a top-up retried with the same idempotency
key must appear once, a declined payment never. ``GET /admin/ledger`` serves it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from backends.kit.responses import json_number
from backends.kit.timestamps import format_timestamp


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    topup_id: str
    msisdn: str
    amount: Decimal
    payment_id: str | None
    idempotency_key: str | None  # None for an autopay run
    time: datetime
    balance_after: Decimal

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.topup_id,
            "msisdn": self.msisdn,
            "amount": {"amount": json_number(self.amount), "units": "RUB"},
            "payment": {"id": self.payment_id} if self.payment_id else None,
            "idempotencyKey": self.idempotency_key,
            "time": format_timestamp(self.time),
            "balanceAfter": {"amount": json_number(self.balance_after), "units": "RUB"},
        }


class Ledger:
    def __init__(self) -> None:
        self._entries: list[LedgerEntry] = []

    def record(self, entry: LedgerEntry) -> None:
        self._entries.append(entry)

    def entries(self, msisdns: Iterable[str] | None = None) -> list[LedgerEntry]:
        if msisdns is None:
            return list(self._entries)
        wanted = set(msisdns)
        return [entry for entry in self._entries if entry.msisdn in wanted]
