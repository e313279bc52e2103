"""What the resolvers may ask of provisioning. Batch-shaped: one call serves many numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from domain.provisioning import (
    CatalogRecord,
    CustomerRecord,
    LinkRecord,
    OrderItemSpec,
    OrderRecord,
    ProductRecord,
)


class ProvisioningPort(Protocol):
    async def catalog(self) -> CatalogRecord:
        """Every tariff, service and package on sale."""
        ...

    async def products(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[ProductRecord]]:
        """What each number has; numbers with nothing may be absent."""
        ...

    async def customers(self, msisdns: Sequence[str]) -> Mapping[str, CustomerRecord]:
        """The customer of each known number; unknown numbers are absent."""
        ...

    async def links(self, owners: Sequence[str]) -> Mapping[str, Sequence[LinkRecord]]:
        """Confirmed linked numbers each owner manages."""
        ...

    async def linked_by(self, numbers: Sequence[str]) -> Mapping[str, Sequence[LinkRecord]]:
        """Confirmed links that let another number manage each of these (who links to it)."""
        ...

    async def verify_password(self, msisdn: str, password: str) -> bool:
        """Whether the number's permanent password is this one (TMF720 credential).
        An unknown number answers False, like a wrong password."""
        ...

    async def set_password(self, msisdn: str, password: str) -> None:
        """Make `password` the number's permanent password (TMF720 credential)."""
        ...

    async def create_link(self, owner: str, msisdn: str, alias: str | None) -> LinkRecord:
        """Let `owner` manage `msisdn` (a TMF672 permission)."""
        ...

    async def delete_link(self, link: LinkRecord) -> None:
        """Withdraw a permission (the record says whose, for the caches)."""
        ...

    async def place_order(
        self, msisdn: str, items: Sequence[OrderItemSpec], key: str
    ) -> OrderRecord:
        """A TMF622 product order; `key` is its externalId and idempotency key."""
        ...

    async def orders(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[OrderRecord]]:
        """Each number's orders, newest first."""
        ...
