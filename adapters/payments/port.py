"""What the resolvers may ask of the payment system."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from domain.money import Money
from domain.payments import (
    PaymentMethodSpec,
    PaymentRecord,
    SavedCardRecord,
    TopUpPaymentRecord,
)


class PaymentsPort(Protocol):
    async def pay(
        self, msisdn: str, amount: Money, method: PaymentMethodSpec, key: str
    ) -> PaymentRecord:
        """Take the money; a declined payment is a record, not an error."""
        ...

    async def authorize(
        self, msisdn: str, amount: Money, method: PaymentMethodSpec, key: str
    ) -> PaymentRecord:
        """Hold the money (not taken yet); `key` also names it, for `find`."""
        ...

    async def find(self, key: str) -> PaymentRecord | None:
        """The payment authorized under `key`, if it reached payments."""
        ...

    async def payment(self, payment_id: str) -> PaymentRecord: ...

    async def capture(self, payment_id: str, key: str) -> PaymentRecord: ...

    async def void(self, payment_id: str, key: str) -> PaymentRecord: ...

    async def refund(self, payment_id: str, amount: Money, key: str) -> None: ...

    async def saved_cards(
        self, msisdns: Sequence[str]
    ) -> Mapping[str, Sequence[SavedCardRecord]]: ...

    async def top_ups(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[TopUpPaymentRecord]]:
        """Each number's payments made to top it up, oldest first; none: absent."""
        ...
