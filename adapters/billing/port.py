"""What the resolvers may ask of billing. Batch-shaped: one call serves many numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from adapters.billing.records import BalanceRecord, ChargeRecord


class BillingPort(Protocol):
    async def balances(self, msisdns: Sequence[str]) -> Mapping[str, BalanceRecord]:
        """Balances of the numbers billing knows; unknown numbers are absent."""
        ...

    async def charges(
        self, msisdns: Sequence[str], start: datetime, end: datetime
    ) -> Mapping[str, Sequence[ChargeRecord]]:
        """Charges in [start, end) per number; numbers without charges may be absent."""
        ...
