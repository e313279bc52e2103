"""What the resolvers may ask of billing. Batch-shaped: one call serves many numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from domain.billing import (
    AutopayRecord,
    BalanceRecord,
    ChargeRecord,
    OrderedStatementRecord,
    StatementRecord,
    TopUpRecord,
    TransferRecord,
)
from domain.money import Money
from domain.payments import PaymentMethodSpec


class BillingPort(Protocol):
    async def balances(self, msisdns: Sequence[str]) -> Mapping[str, BalanceRecord]:
        """Balances of the numbers billing knows; unknown numbers are absent."""
        ...

    async def charges(
        self, msisdns: Sequence[str], start: datetime, end: datetime
    ) -> Mapping[str, Sequence[ChargeRecord]]:
        """Charges in [start, end) per number; numbers without charges may be absent."""
        ...


class BillingActionsPort(Protocol):
    """The changes billing makes. Every call carries an idempotency key for the backend."""

    async def top_up(
        self, msisdn: str, amount: Money, payment_id: str, key: str
    ) -> TopUpRecord: ...

    async def autopay(self, msisdn: str) -> AutopayRecord | None: ...

    async def set_autopay(
        self,
        msisdn: str,
        amount: Money,
        method: PaymentMethodSpec,
        threshold: Money | None,
        key: str,
    ) -> AutopayRecord:
        """Monthly when `threshold` is None, else whenever the balance falls below it."""
        ...

    async def cancel_autopay(self, autopay_id: str) -> None: ...

    async def transfer_data(
        self, sender: str, receiver: str, gigabytes: int, key: str
    ) -> TransferRecord: ...

    async def order_statement(
        self, msisdn: str, start: datetime, end: datetime, email: str, fmt: str, key: str
    ) -> StatementRecord: ...

    async def statements(
        self, msisdns: Sequence[str]
    ) -> Mapping[str, Sequence[OrderedStatementRecord]]:
        """Each number's ordered statements, oldest first; none: absent."""
        ...
