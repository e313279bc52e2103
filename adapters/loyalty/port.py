"""What the resolvers may ask of loyalty."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from domain.loyalty import ActivationRecord, PromotionRecord


class LoyaltyPort(Protocol):
    async def promotions(self) -> Sequence[PromotionRecord]:
        """Every partner offer on now."""
        ...

    async def activations(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[ActivationRecord]]:
        """The offers each number has activated; numbers with none may be absent."""
        ...

    async def members(self, msisdns: Sequence[str]) -> Mapping[str, bool]:
        """Whether each number is a member of the programme."""
        ...

    async def join(self, msisdn: str, email: str, name: str | None, key: str) -> None: ...

    async def activate(self, msisdn: str, promotion_id: str, key: str) -> ActivationRecord: ...
