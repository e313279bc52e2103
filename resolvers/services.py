"""Services: the catalog's, and those connected on a number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from adapters.cache.derived import DerivedFromTwo
from domain.provisioning import CatalogRecord, ProductRecord, ProductStatus, ServiceOfferingRecord
from domain.reach import Reach
from resolvers.context import Context


class ServiceState(Enum):
    ACTIVE = "ACTIVE"
    PENDING = "PENDING"
    SUSPENDED = "SUSPENDED"
    DISCONNECTING = "DISCONNECTING"
    AVAILABLE = "AVAILABLE"


_STATE_OF_PRODUCT = {
    ProductStatus.CREATED: ServiceState.PENDING,
    ProductStatus.PENDING_ACTIVE: ServiceState.PENDING,
    ProductStatus.ACTIVE: ServiceState.ACTIVE,
    ProductStatus.SUSPENDED: ServiceState.SUSPENDED,
    ProductStatus.PENDING_TERMINATE: ServiceState.DISCONNECTING,
}


@dataclass(frozen=True, slots=True)
class ServiceView:
    offering: ServiceOfferingRecord
    state: ServiceState


async def service_catalog(ctx: Context) -> list[ServiceView]:
    catalog = await ctx.ports.provisioning.catalog()
    return [ServiceView(s, ServiceState.AVAILABLE) for s in catalog.services]


async def connected_services(ctx: Context, who: Reach) -> Sequence[ServiceView]:
    products = await ctx.loaders.products_by_msisdn.load(who.msisdn)
    catalog = await ctx.ports.provisioning.catalog()
    return _CONNECTED(products, catalog)


def _connected(
    products: Sequence[ProductRecord], catalog: CatalogRecord
) -> tuple[ServiceView, ...]:
    found: list[ServiceView] = []
    for product in products:
        state = _STATE_OF_PRODUCT.get(product.status)
        offering = catalog.service(product.offering_id)
        if state is not None and offering is not None:
            found.append(ServiceView(offering, state))
    return tuple(found)


# Once per products and catalog read (adapters/cache/derived.py): every screen shows them.
_CONNECTED = DerivedFromTwo(_connected)
