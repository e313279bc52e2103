"""Tariffs: the catalog's, and the one a number is on (with its chosen minutes and GB)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from domain.provisioning import CatalogRecord, ProductRecord, ProductStatus, TariffRecord
from domain.reach import Reach
from resolvers.context import Context

log = logging.getLogger(__name__)

_GONE = frozenset({ProductStatus.TERMINATED})


async def tariffs(ctx: Context) -> Sequence[TariffRecord]:
    return (await ctx.ports.provisioning.catalog()).tariffs


async def current_tariff(ctx: Context, who: Reach) -> TariffRecord | None:
    products = await ctx.loaders.products_by_msisdn.load(who.msisdn)
    catalog = await ctx.ports.provisioning.catalog()
    # A screen asks twice (the tariff, the balance's next charge): worked out once per
    # request, again only if the products or the catalog read are other records.
    derived = ctx.loaders.derived
    kept = derived.get(("tariff", who.msisdn))
    if kept is not None and kept[0] is products and kept[1] is catalog:
        tariff: TariffRecord | None = kept[2]
        return tariff
    tariff = _tariff_of(who, products, catalog)
    derived[("tariff", who.msisdn)] = (products, catalog, tariff)
    return tariff


def _tariff_of(
    who: Reach, products: Sequence[ProductRecord], catalog: CatalogRecord
) -> TariffRecord | None:
    for product in products:
        if product.status in _GONE:
            continue
        tariff = catalog.tariff(product.offering_id)
        if tariff is not None:
            return tariff.configured(dict(product.characteristics))
    if products:
        log.warning("number %s has no tariff known to the catalog", who.msisdn)
    return None
