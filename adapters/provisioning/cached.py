"""Provisioning with its reads cached: the catalog in process (it changes rarely; every
screen needs it), each number's products, customer and links in the shared cache.

What a change makes wrong (an order: the number's products; a link created or withdrawn:
the owner's links) is dropped by the number's read model (adapters/cache/number_reads.py),
told by the action that made it or by provisioning's hub events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.cache.reads import CachedReads, ReadCaches
from adapters.clock import Clock
from adapters.memo import TimedMemo
from adapters.provisioning.port import ProvisioningPort
from domain.provisioning import (
    CatalogRecord,
    CustomerRecord,
    LinkRecord,
    OrderItemSpec,
    OrderRecord,
    ProductRecord,
)


class CachedProvisioning:
    def __init__(
        self, inner: ProvisioningPort, clock: Clock, catalog_ttl: float, reads: ReadCaches
    ) -> None:
        self._inner = inner
        self._catalog = TimedMemo(inner.catalog, clock, catalog_ttl)
        self._products: CachedReads[Sequence[ProductRecord]] = reads.of(
            "products", inner.products, Sequence[ProductRecord]
        )
        self._customers: CachedReads[CustomerRecord] = reads.of(
            "customer", inner.customers, CustomerRecord
        )
        # Links are permissions: a link withdrawn here is dropped at once; one withdrawn
        # in provisioning directly (no event for it) still counts for up to the read TTL.
        self._links: CachedReads[Sequence[LinkRecord]] = reads.of(
            "links", inner.links, Sequence[LinkRecord]
        )

    async def catalog(self) -> CatalogRecord:
        return await self._catalog.get()

    async def products(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[ProductRecord]]:
        return await self._products.get(msisdns)

    async def customers(self, msisdns: Sequence[str]) -> Mapping[str, CustomerRecord]:
        return await self._customers.get(msisdns)

    async def links(self, owners: Sequence[str]) -> Mapping[str, Sequence[LinkRecord]]:
        return await self._links.get(owners)

    async def linked_by(self, numbers: Sequence[str]) -> Mapping[str, Sequence[LinkRecord]]:
        # Not kept: an agent's occasional read, and the kept links are keyed (and dropped
        # on a change) by owner, which a change of this number's side would not reach.
        return await self._inner.linked_by(numbers)

    async def verify_password(self, msisdn: str, password: str) -> bool:
        return await self._inner.verify_password(msisdn, password)

    async def set_password(self, msisdn: str, password: str) -> None:
        await self._inner.set_password(msisdn, password)

    async def create_link(self, owner: str, msisdn: str, alias: str | None) -> LinkRecord:
        return await self._inner.create_link(owner, msisdn, alias)

    async def delete_link(self, link: LinkRecord) -> None:
        await self._inner.delete_link(link)

    async def place_order(
        self, msisdn: str, items: Sequence[OrderItemSpec], key: str
    ) -> OrderRecord:
        return await self._inner.place_order(msisdn, items, key)

    async def orders(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[OrderRecord]]:
        return await self._inner.orders(msisdns)
