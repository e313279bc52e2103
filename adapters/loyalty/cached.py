"""Loyalty with each number's activated offers in the shared cache (the home screen shows
them on every visit; they change only when the subscriber activates one).

An activation drops the number's entry through the number's read model
(adapters/cache/number_reads.py), told by the action or by loyalty's hub event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.cache.reads import CachedReads, ReadCaches
from adapters.loyalty.port import LoyaltyPort
from domain.loyalty import ActivationRecord, PromotionRecord


class CachedLoyalty:
    def __init__(self, inner: LoyaltyPort, reads: ReadCaches) -> None:
        self._inner = inner
        self._activations: CachedReads[Sequence[ActivationRecord]] = reads.of(
            "activations", inner.activations, Sequence[ActivationRecord]
        )

    async def promotions(self) -> Sequence[PromotionRecord]:
        return await self._inner.promotions()

    async def activations(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[ActivationRecord]]:
        return await self._activations.get(msisdns)

    async def members(self, msisdns: Sequence[str]) -> Mapping[str, bool]:
        return await self._inner.members(msisdns)

    async def join(self, msisdn: str, email: str, name: str | None, key: str) -> None:
        await self._inner.join(msisdn, email, name, key)

    async def activate(self, msisdn: str, promotion_id: str, key: str) -> ActivationRecord:
        return await self._inner.activate(msisdn, promotion_id, key)
