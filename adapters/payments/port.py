"""What the resolvers may ask of the payment system."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from domain.money import Money
from domain.payments import PaymentMethodSpec, PaymentRecord, SavedCardRecord


class PaymentsPort(Protocol):
    async def pay(
        self, msisdn: str, amount: Money, method: PaymentMethodSpec, key: str
    ) -> PaymentRecord:
        """Take the money; a declined payment is a record, not an error."""
        ...

    async def saved_cards(
        self, msisdns: Sequence[str]
    ) -> Mapping[str, Sequence[SavedCardRecord]]: ...
