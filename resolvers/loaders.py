"""Per-request dataloaders: every backend read goes through one, so that a query over N
numbers costs one call per backend resource, and a number read twice is read once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from aiodataloader import DataLoader
from prometheus_client import Histogram

from adapters.cache.number_reads import NumberRead
from adapters.metrics import LOADER_BATCH
from domain.billing import BalanceRecord, ChargeRecord, OrderedStatementRecord
from domain.loyalty import ActivationRecord
from domain.payments import TopUpPaymentRecord
from domain.provisioning import CustomerRecord, LinkRecord, ProductRecord
from resolvers.ports import Ports

K = TypeVar("K")
V = TypeVar("V")

# (msisdn, start, end): charges are asked for per period.
ChargesKey = tuple[str, datetime, datetime]


@cache
def _batch_sizes(loader: str) -> Histogram:
    # Looked up once: loaders are built per request, and labels() is not free.
    return LOADER_BATCH.labels(loader)


def _by_key(
    name: str,
    fetch: Callable[[Sequence[K]], Awaitable[Mapping[K, V]]],
    missing: V,
    max_batch: int,
) -> DataLoader[K, V]:
    batch_sizes = _batch_sizes(name)

    async def batch(keys: list[K]) -> list[V]:
        batch_sizes.observe(len(keys))
        found = await fetch(keys)
        return [found.get(key, missing) for key in keys]

    return DataLoader(batch, max_batch_size=max_batch)


@dataclass(frozen=True, slots=True)
class Loaders:
    balance_by_msisdn: DataLoader[str, BalanceRecord | None]
    customer_by_msisdn: DataLoader[str, CustomerRecord | None]
    products_by_msisdn: DataLoader[str, Sequence[ProductRecord]]
    links_by_owner: DataLoader[str, Sequence[LinkRecord]]
    activations_by_msisdn: DataLoader[str, Sequence[ActivationRecord]]
    charges_by_period: DataLoader[ChargesKey, Sequence[ChargeRecord]]
    # Links asked for and not yet confirmed, from the security store: target -> alias.
    pending_by_owner: DataLoader[str, Mapping[str, str | None]]
    # Read for the payments screen and the agents' console only; not cached.
    top_ups_by_msisdn: DataLoader[str, Sequence[TopUpPaymentRecord]]
    statements_by_msisdn: DataLoader[str, Sequence[OrderedStatementRecord]]

    @classmethod
    def build(cls, ports: Ports, max_batch: int = 500) -> Loaders:
        no_balance: BalanceRecord | None = None
        no_customer: CustomerRecord | None = None
        no_pending: Mapping[str, str | None] = {}
        return cls(
            balance_by_msisdn=_by_key("balance", ports.billing.balances, no_balance, max_batch),
            customer_by_msisdn=_by_key(
                "customer", ports.provisioning.customers, no_customer, max_batch
            ),
            products_by_msisdn=_by_key("products", ports.provisioning.products, (), max_batch),
            links_by_owner=_by_key("links", ports.provisioning.links, (), max_batch),
            activations_by_msisdn=_by_key("activations", ports.loyalty.activations, (), max_batch),
            charges_by_period=DataLoader(_charges_batch(ports), max_batch_size=max_batch),
            pending_by_owner=_by_key("pending", ports.security.pending_many, no_pending, max_batch),
            top_ups_by_msisdn=_by_key("top_ups", ports.payments.top_ups, (), max_batch),
            statements_by_msisdn=_by_key(
                "statements", ports.billing.actions.statements, (), max_batch
            ),
        )

    def forget(self, msisdns: Sequence[str], reads: Collection[NumberRead]) -> None:
        """Drop what this request read of the numbers in `reads` (they changed): called by
        the number's read model with the caches (adapters/cache/number_reads.py)."""
        by_number: dict[NumberRead, DataLoader[str, Any]] = {
            NumberRead.BALANCE: self.balance_by_msisdn,
            NumberRead.PRODUCTS: self.products_by_msisdn,
            NumberRead.CUSTOMER: self.customer_by_msisdn,
            NumberRead.LINKS: self.links_by_owner,
            NumberRead.ACTIVATIONS: self.activations_by_msisdn,
            NumberRead.PENDING: self.pending_by_owner,
            NumberRead.TOP_UPS: self.top_ups_by_msisdn,
            NumberRead.STATEMENTS: self.statements_by_msisdn,
        }
        for read in reads:
            loader = by_number[read]
            for msisdn in msisdns:
                loader.clear(msisdn)
        if NumberRead.BALANCE in reads:
            # Keyed by period too; a request reads few, and a change adds a charge to today.
            self.charges_by_period.clear_all()


def _charges_batch(
    ports: Ports,
) -> Callable[[list[ChargesKey]], Coroutine[Any, Any, list[Sequence[ChargeRecord]]]]:
    async def batch(keys: list[ChargesKey]) -> list[Sequence[ChargeRecord]]:
        _batch_sizes("charges").observe(len(keys))
        # One call per distinct period: a dashboard asks every number for the same one.
        periods: dict[tuple[datetime, datetime], list[str]] = defaultdict(list)
        for msisdn, start, end in keys:
            periods[(start, end)].append(msisdn)
        found: dict[ChargesKey, Sequence[ChargeRecord]] = {}
        for (start, end), msisdns in periods.items():
            charges = await ports.billing.charges(msisdns, start, end)
            for msisdn in msisdns:
                found[(msisdn, start, end)] = charges.get(msisdn, ())
        return [found[key] for key in keys]

    return batch
