"""What a top-up saga asks of billing: is the number known, put money on it under a key,
find what was put under that key, and take it back.

Billing systems differ in how a key is kept: the TMF v4 billing names the payment on the
top-up and takes one top-up per payment (so the payment finds the credit); SigScale OCS
keeps a bucket's `name` but finds nothing by it, so the key is the name and the adapter
looks through the product's buckets itself.
"""

from __future__ import annotations

from typing import Protocol

from domain.money import Money


class CreditsPort(Protocol):
    async def knows(self, msisdn: str) -> bool:
        """Whether billing has the number (read before any money is touched)."""
        ...

    async def credit(self, msisdn: str, amount: Money, payment_id: str, key: str) -> str:
        """Put `amount` on the number, paid by `payment_id`, kept under `key`; the credit's
        id. Never to be called again for the same key without `find` first: a billing
        system without idempotency credits twice."""
        ...

    async def find(self, msisdn: str, payment_id: str, key: str) -> str | None:
        """The id of the credit made under `key`, or None when there is none."""
        ...

    async def take_back(self, msisdn: str, credit_id: str) -> None:
        """Reverse exactly that credit; one already taken back is fine."""
        ...
