"""Tariffs: the catalog's, and the one a number is on (with its chosen minutes and GB)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from adapters.cache.derived import DerivedFromTwo
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
    tariff = _TARIFF_OF(products, catalog)
    if tariff is None and products:
        log.warning("number %s has no tariff known to the catalog", who.msisdn)
    return tariff


def _tariff_of(products: Sequence[ProductRecord], catalog: CatalogRecord) -> TariffRecord | None:
    for product in products:
        if product.status in _GONE:
            continue
        tariff = catalog.tariff(product.offering_id)
        if tariff is not None:
            return tariff.configured(dict(product.characteristics))
    return None


# A screen asks twice (the tariff, the balance's next charge), and every screen of the
# number again: worked out once per products and catalog read (adapters/cache/derived.py).
_TARIFF_OF = DerivedFromTwo(_tariff_of)
