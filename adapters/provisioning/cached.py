"""Provisioning with its reads cached: the catalog in process (it changes rarely; every
screen needs it), each number's products, customer and links in the shared cache.

The changes made through this adapter drop what they make wrong (an order: the number's
products; a link created or withdrawn: the owner's links). Orders completed later are
announced by provisioning's hub events, which call `invalidate_products`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.cache.reads import CachedReads, ReadCaches
from adapters.clock import Clock
from adapters.memo import TimedMemo
from adapters.provisioning.port import ProvisioningPort
from adapters.provisioning.records import (
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

    async def invalidate_products(self, msisdns: Sequence[str]) -> None:
        await self._products.invalidate(msisdns)

    async def invalidate(self, msisdns: Sequence[str]) -> None:
        """Drop everything kept for the numbers: products, customer and links."""
        for reads in (self._products, self._customers, self._links):
            await reads.invalidate(msisdns)

    async def verify_password(self, msisdn: str, password: str) -> bool:
        return await self._inner.verify_password(msisdn, password)

    async def set_password(self, msisdn: str, password: str) -> None:
        await self._inner.set_password(msisdn, password)

    async def create_link(self, owner: str, msisdn: str, alias: str | None) -> LinkRecord:
        try:
            return await self._inner.create_link(owner, msisdn, alias)
        finally:
            # Also when the call failed: it may have been made all the same.
            await self._links.invalidate([owner])

    async def delete_link(self, link: LinkRecord) -> None:
        try:
            await self._inner.delete_link(link)
        finally:
            await self._links.invalidate([link.owner])

    async def place_order(
        self, msisdn: str, items: Sequence[OrderItemSpec], key: str
    ) -> OrderRecord:
        try:
            return await self._inner.place_order(msisdn, items, key)
        finally:
            await self._products.invalidate([msisdn])

    async def orders(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[OrderRecord]]:
        return await self._inner.orders(msisdns)
