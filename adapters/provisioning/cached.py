"""Provisioning with the catalog kept in process (it changes rarely; every screen needs it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
    def __init__(self, inner: ProvisioningPort, clock: Clock, catalog_ttl: float) -> None:
        self._inner = inner
        self._catalog = TimedMemo(inner.catalog, clock, catalog_ttl)

    async def catalog(self) -> CatalogRecord:
        return await self._catalog.get()

    async def products(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[ProductRecord]]:
        return await self._inner.products(msisdns)

    async def customers(self, msisdns: Sequence[str]) -> Mapping[str, CustomerRecord]:
        return await self._inner.customers(msisdns)

    async def links(self, owners: Sequence[str]) -> Mapping[str, Sequence[LinkRecord]]:
        return await self._inner.links(owners)

    async def verify_password(self, msisdn: str, password: str) -> bool:
        return await self._inner.verify_password(msisdn, password)

    async def create_link(self, owner: str, msisdn: str, alias: str | None) -> LinkRecord:
        return await self._inner.create_link(owner, msisdn, alias)

    async def delete_link(self, link_id: str) -> None:
        await self._inner.delete_link(link_id)

    async def place_order(
        self, msisdn: str, items: Sequence[OrderItemSpec], key: str
    ) -> OrderRecord:
        return await self._inner.place_order(msisdn, items, key)

    async def orders(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[OrderRecord]]:
        return await self._inner.orders(msisdns)
