"""Reading a number's records ahead of its fields: the fields a query asks of a number say
which dataloaders its resolvers will read, and loading those for every number at once,
before any field runs, lets each field find its records there (a compiled plan then runs
the field inline, schema/loaded_reads.py). Without it, a dashboard's numbers wait field by
field, each in its own task, for batches their siblings started.

The records the shared cache holds are read in one call for all the fields and numbers
(the number's read model, `NumberReads.peek`) and handed to the loaders; only what it
does not hold is loaded through them, one batch per loader as before. Reading ahead only
warms the request's loaders: a field whose reads are not listed here,
or asked with other arguments, loads as it always did, so a missing entry costs speed,
never an answer. A failed read stays failed in its loader (resolvers/loaders.py), so the
field reports it without asking the backend again."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any

from adapters.cache.number_reads import BALANCES, CHARGES
from resolvers.context import Context
from resolvers.expenses import period

# The loader `expenses` reads without arguments: keyed by this month so far, not the number.
_CHARGES = "charges_by_period"

# A Subscriber field (as the query names it) -> the loaders its resolver reads
# (resolvers/loaders.py `Loaders`; schema/subscriber.py).
READS_OF_FIELD: dict[str, tuple[str, ...]] = {
    "name": ("customer_by_msisdn",),
    "region": ("customer_by_msisdn",),
    # Not the products its `nextChargeAmount` reads (the tariff's fee): a balance asked
    # alone (the app's widget) would pay a read it does not need; `tariff` usually reads
    # them ahead beside it.
    "balance": ("balance_by_msisdn",),
    "tariff": ("products_by_msisdn",),
    "services": ("products_by_msisdn",),
    "expenses": (_CHARGES,),
    # The resolver reads the pending links after the confirmed ones: both at once here.
    "linkedNumbers": ("links_by_owner", "pending_by_owner"),
    "offers": ("activations_by_msisdn",),
    "topUps": ("top_ups_by_msisdn",),
    "statements": ("statements_by_msisdn",),
}


# A loader -> the kind its records are kept under in the shared cache (`NumberReads.peek`);
# the others (top-ups, statements) are not kept there.
_KEPT = {
    "balance_by_msisdn": BALANCES,
    "customer_by_msisdn": "customer",
    "products_by_msisdn": "products",
    "links_by_owner": "links",
    "activations_by_msisdn": "activations",
    _CHARGES: CHARGES,
    "pending_by_owner": "pending",
}


async def read_ahead(ctx: Context, msisdns: Sequence[str], fields: Iterable[str]) -> None:
    """Load what `fields` read of each number, in one round of batches; errors stay in the
    loaders for the fields to report."""
    names = {name for field in fields for name in READS_OF_FIELD.get(field, ())}
    if not names or not msisdns:
        return
    loaders = ctx.loaders
    span = period(ctx, None, None) if _CHARGES in names else None
    waits: list[asyncio.Future[Any]] = []
    asks: dict[str, list[str]] = {}
    unread_of: dict[str, list[Any]] = {}
    for name in names:
        loader = getattr(loaders, name)
        keys: list[Any] = (
            [(msisdn, *span) for msisdn in msisdns]
            if name == _CHARGES and span is not None
            else list(msisdns)
        )
        kind = _KEPT.get(name)
        unread = loaders.unread(name, keys) if kind is not None else []
        if not unread:
            # Not kept in the cache (its batch starts now and runs while the cache is
            # read), or already read by this request.
            waits += [loader.load(key) for key in keys]
            continue
        if len(unread) < len(keys):
            held = set(keys).difference(unread)
            waits += [loader.load(key) for key in keys if key in held]
        assert kind is not None
        asks[kind] = [key[0] for key in unread] if name == _CHARGES else unread
        unread_of[name] = unread
    if asks:
        kept = await ctx.ports.reads.peek(asks, span)
        for name, unread in unread_of.items():
            kind = _KEPT[name]
            answer = kept[kind]
            found, missing = answer.found, set(answer.missing)
            primed: list[tuple[Any, Any]] = []
            nothing = loaders.nothing(name)
            loader = getattr(loaders, name)
            for key, msisdn in zip(unread, asks[kind], strict=True):
                if msisdn in missing:
                    waits.append(loader.load(key))
                else:
                    primed.append((key, found.get(msisdn, nothing)))
            loaders.prime(name, primed)
    pending = [wait for wait in waits if not wait.done()]
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
