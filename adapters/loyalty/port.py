"""What the resolvers may ask of loyalty."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from adapters.loyalty.records import ActivationRecord, PromotionRecord


class LoyaltyPort(Protocol):
    async def promotions(self) -> Sequence[PromotionRecord]:
        """Every partner offer on now."""
        ...

    async def activations(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[ActivationRecord]]:
        """The offers each number has activated; numbers with none may be absent."""
        ...
