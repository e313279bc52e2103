"""Reading what the write tests change: balances, quotas, products, through the same
public routes a client uses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.backends.simulators import Simulators

BUCKETS = "/tmf-api/prepayBalanceManagement/v4/bucket"
PRODUCTS = "/tmf-api/productInventory/v4/product"
LEDGER = "/admin/ledger"


async def buckets(sim: Simulators, msisdn: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await sim.get_ok(
        "billing", BUCKETS, **{"logicalResource.id": msisdn}
    )
    return found


async def balance(sim: Simulators, msisdn: str) -> Decimal:
    (money,) = [b for b in await buckets(sim, msisdn) if b["usageType"] == "monetary"]
    return Decimal(str(money["remainingValue"]["amount"]))


async def data_left(sim: Simulators, msisdn: str) -> Decimal:
    """Finite data remaining across the number's data buckets."""
    return sum(
        (
            Decimal(str(b["remainingValue"]["amount"]))
            for b in await buckets(sim, msisdn)
            if b["usageType"] == "data" and not b["isUnlimited"]
        ),
        Decimal(0),
    )


async def products(sim: Simulators, msisdn: str) -> dict[str, dict[str, Any]]:
    """The number's products by id."""
    found = await sim.get_ok("provisioning", PRODUCTS, **{"realizingResource.id": msisdn})
    return {product["id"]: product for product in found}


async def ledger(sim: Simulators, msisdn: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = await sim.get_ok("billing", LEDGER, msisdn=msisdn)
    return entries
