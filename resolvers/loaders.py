"""Per-request dataloaders: every backend read goes through one, so that a query over N
numbers costs one call per backend resource, and a number read twice is read once."""

from __future__ import annotations

from asyncio import Future, get_running_loop
from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection, Coroutine, Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any, Generic, TypeVar, cast, overload

from aiodataloader import DataLoader
from prometheus_client import Histogram

from adapters.cache.number_reads import NumberRead
from adapters.metrics import LOADER_BATCH
from domain.billing import BalanceRecord, ChargeRecord, OrderedStatementRecord
from domain.loyalty import ActivationRecord
from domain.payments import TopUpPaymentRecord
from domain.provisioning import CustomerRecord, LinkRecord, ProductRecord
from domain.security import PendingLink
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
    held: dict[Any, Any],
) -> DataLoader[K, V]:
    batch_sizes = _batch_sizes(name)

    async def batch(keys: list[K]) -> list[V]:
        batch_sizes.observe(len(keys))
        try:
            found = await fetch(keys)
        except Exception as failed:
            # Each key keeps the failure (aiodataloader would forget the keys of a failed
            # batch): a field asking again in this request hears the same error rather than
            # calling a failing backend a second time (resolvers/read_ahead.py).
            # (aiodataloader rejects a key whose value is an exception; its types omit that.)
            return cast("list[V]", [failed] * len(keys))
        return [found.get(key, missing) for key in keys]

    return _Loader(batch, max_batch, held)


def _same(key: Any) -> Any:
    return key


class _Loader(DataLoader[K, V]):
    """aiodataloader's `DataLoader`, built the way its constructor builds one given a batch
    function, a batch size and a cache map, without the constructor's checks: a request
    builds up to nine, and the checks (`inspect` on the batch function, the event loop
    looked up) were a tenth of a home screen's loading. The attributes set are the
    constructor's own; tests/resolvers/test_loaders.py holds them equal."""

    get_cache_key = staticmethod(_same)

    def __init__(
        self,
        batch_load_fn: Callable[[list[K]], Coroutine[Any, Any, list[V]]],
        max_batch_size: int,
        cache_map: dict[Any, Any],
    ) -> None:
        self.loop = get_running_loop()
        self.batch_load_fn = batch_load_fn
        self.max_batch_size = max_batch_size
        self._cache = cache_map
        self._queue = []


# What a loader answers for a key its backend has nothing for (`Loaders.prime`).
_NOTHING: dict[str, Any] = {
    "balance_by_msisdn": None,
    "customer_by_msisdn": None,
    "pending_by_owner": {},
}


class Reads(Generic[K, V]):
    """A loader as the request uses it. `load` answers a key the request already holds (read
    ahead, or loaded before) with its held future, as aiodataloader's `load` would, and
    builds the aiodataloader loader only for a key it must fetch: a warm screen, its
    records all read ahead, builds none (building seven was a third of what reading ahead
    cost, bench/RESULTS.md). `clear` and `clear_all` drop held keys, as aiodataloader's do."""

    __slots__ = ("_held", "_loader", "_make", "_source")

    def __init__(
        self, make: Callable[[Any], DataLoader[K, V]], source: Any, held: dict[Any, Any]
    ) -> None:
        self._make = make
        self._source = source
        self._held = held
        self._loader: DataLoader[K, V] | None = None

    def load(self, key: K) -> Future[V]:
        held: Future[V] | None = self._held.get(key)
        if held is not None:
            return held
        loader = self._loader
        if loader is None:
            loader = self._loader = self._make(self._source)
        return loader.load(key)

    def clear(self, key: K) -> None:
        self._held.pop(key, None)

    def clear_all(self) -> None:
        self._held.clear()


class _reads(Generic[K, V]):  # noqa: N801 -- used as a decorator, as cached_property is
    """A request's `Reads` of one loader, made on the first use and kept in the instance's
    dict (as `functools.cached_property` would, without its lock: Python 3.11 takes one on
    each first read). The decorated method builds the aiodataloader loader, when needed."""

    def __init__(self, make: Callable[[Any], DataLoader[K, V]]) -> None:
        self._make = make
        self._name = make.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> _reads[K, V]: ...

    @overload
    def __get__(self, instance: Loaders, owner: type | None = None) -> Reads[K, V]: ...

    def __get__(
        self, instance: Loaders | None, owner: type | None = None
    ) -> Reads[K, V] | _reads[K, V]:
        if instance is None:
            return self
        # Given what the loaders are built from, not the `Loaders` keeping this `Reads`: a
        # cycle would hold the request's records until the collector's next pass.
        reads = Reads(self._make, instance._source, instance._held[self._name])
        instance.__dict__[self._name] = reads
        return reads


class _Source:
    """What the loaders are built from (the decorated methods of `Loaders` read these
    three attributes of their first argument)."""

    __slots__ = ("_held", "_max_batch", "_ports")

    def __init__(self, ports: Ports, max_batch: int, held: dict[str, dict[Any, Any]]) -> None:
        self._ports = ports
        self._max_batch = max_batch
        self._held = held


class Loaders:
    """The request's loaders, each built the first time the request must fetch with it
    (`Reads`): a screen served from kept answers or from records read ahead builds none."""

    def __init__(self, ports: Ports, max_batch: int = 500) -> None:
        self._ports = ports
        self._max_batch = max_batch
        # Each loader's futures by key, held here rather than inside aiodataloader: what a
        # request has read is then known without reaching into the library.
        self._held: dict[str, dict[Any, Any]] = defaultdict(dict)
        self._source = _Source(ports, max_batch, self._held)

    def unread(self, name: str, keys: Sequence[K]) -> list[K]:
        """The keys loader `name` holds nothing for yet."""
        held = self._held.get(name)
        return list(keys) if not held else [key for key in keys if key not in held]

    def nothing(self, name: str) -> Any:
        """What loader `name` answers for a key its backend has nothing for."""
        return _NOTHING.get(name, ())

    def prime(self, name: str, values: Iterable[tuple[Any, Any]]) -> None:
        """Give loader `name` values read elsewhere (the number's read model,
        resolvers/read_ahead.py), by key."""
        # Written into the map the loader is given as its cache (ours, not aiodataloader's
        # internals), as `DataLoader.prime` would, minus its per-key checks; no loader is
        # built for it (`Reads`).
        held = self._held[name]
        create_future = get_running_loop().create_future
        for key, value in values:
            if key not in held:
                future = create_future()
                future.set_result(value)
                held[key] = future

    @classmethod
    def build(cls, ports: Ports, max_batch: int = 500) -> Loaders:
        return cls(ports, max_batch)

    @_reads
    def balance_by_msisdn(self) -> DataLoader[str, BalanceRecord | None]:
        no_balance: BalanceRecord | None = None
        return _by_key(
            "balance",
            self._ports.billing.balances,
            no_balance,
            self._max_batch,
            self._held["balance_by_msisdn"],
        )

    @_reads
    def customer_by_msisdn(self) -> DataLoader[str, CustomerRecord | None]:
        no_customer: CustomerRecord | None = None
        customers = self._ports.provisioning.customers
        return _by_key(
            "customer", customers, no_customer, self._max_batch, self._held["customer_by_msisdn"]
        )

    @_reads
    def products_by_msisdn(self) -> DataLoader[str, Sequence[ProductRecord]]:
        products = self._ports.provisioning.products
        return _by_key("products", products, (), self._max_batch, self._held["products_by_msisdn"])

    @_reads
    def links_by_owner(self) -> DataLoader[str, Sequence[LinkRecord]]:
        links = self._ports.provisioning.links
        return _by_key("links", links, (), self._max_batch, self._held["links_by_owner"])

    @_reads
    def activations_by_msisdn(self) -> DataLoader[str, Sequence[ActivationRecord]]:
        activations = self._ports.loyalty.activations
        return _by_key(
            "activations", activations, (), self._max_batch, self._held["activations_by_msisdn"]
        )

    @_reads
    def charges_by_period(self) -> DataLoader[ChargesKey, Sequence[ChargeRecord]]:
        return _Loader(
            _charges_batch(self._ports), self._max_batch, self._held["charges_by_period"]
        )

    @_reads
    def pending_by_owner(self) -> DataLoader[str, Mapping[str, PendingLink]]:
        """Links asked for and not yet confirmed: target -> link (an expired one may be
        among them: adapters/security/kept_pending.py)."""
        no_pending: Mapping[str, PendingLink] = {}
        pending = self._ports.pending.pending_links
        return _by_key(
            "pending", pending, no_pending, self._max_batch, self._held["pending_by_owner"]
        )

    @_reads
    def top_ups_by_msisdn(self) -> DataLoader[str, Sequence[TopUpPaymentRecord]]:
        """Read for the payments screen and the agents' console only; not cached."""
        top_ups = self._ports.payments.top_ups
        return _by_key("top_ups", top_ups, (), self._max_batch, self._held["top_ups_by_msisdn"])

    @_reads
    def statements_by_msisdn(self) -> DataLoader[str, Sequence[OrderedStatementRecord]]:
        statements = self._ports.billing.actions.statements
        return _by_key(
            "statements", statements, (), self._max_batch, self._held["statements_by_msisdn"]
        )

    def forget(self, msisdns: Sequence[str], reads: Collection[NumberRead]) -> None:
        """Drop what this request read of the numbers in `reads` (they changed): called by
        the number's read model with the caches (adapters/cache/number_reads.py). Only
        loaders already built hold anything."""
        built = vars(self)
        for read in reads:
            loader: Reads[str, Any] | None = built.get(_LOADER_OF[read])
            if loader is not None:
                for msisdn in msisdns:
                    loader.clear(msisdn)
        charges: Reads[ChargesKey, Any] | None = built.get("charges_by_period")
        if NumberRead.BALANCE in reads and charges is not None:
            # Keyed by period too; a request reads few, and a change adds a charge to today.
            charges.clear_all()


# Which loader holds each of a number's reads (`Loaders.forget`).
_LOADER_OF = {
    NumberRead.BALANCE: "balance_by_msisdn",
    NumberRead.PRODUCTS: "products_by_msisdn",
    NumberRead.CUSTOMER: "customer_by_msisdn",
    NumberRead.LINKS: "links_by_owner",
    NumberRead.ACTIVATIONS: "activations_by_msisdn",
    NumberRead.PENDING: "pending_by_owner",
    NumberRead.TOP_UPS: "top_ups_by_msisdn",
    NumberRead.STATEMENTS: "statements_by_msisdn",
}


def _charges_batch(
    ports: Ports,
) -> Callable[[list[ChargesKey]], Coroutine[Any, Any, list[Sequence[ChargeRecord]]]]:
    async def batch(keys: list[ChargesKey]) -> list[Sequence[ChargeRecord]]:
        _batch_sizes("charges").observe(len(keys))
        # One call per distinct period: a dashboard asks every number for the same one.
        periods: dict[tuple[datetime, datetime], list[str]] = defaultdict(list)
        for msisdn, start, end in keys:
            periods[(start, end)].append(msisdn)
        found: dict[ChargesKey, Sequence[ChargeRecord] | Exception] = {}
        for (start, end), msisdns in periods.items():
            try:
                charges = await ports.billing.charges(msisdns, start, end)
            except Exception as failed:
                # Kept per key, as `_by_key` keeps a failed batch.
                for msisdn in msisdns:
                    found[(msisdn, start, end)] = failed
                continue
            for msisdn in msisdns:
                found[(msisdn, start, end)] = charges.get(msisdn, ())
        return cast("list[Sequence[ChargeRecord]]", [found[key] for key in keys])

    return batch
