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

    def key_of(name: str, msisdn: str) -> Any:
        return (msisdn, *span) if name == _CHARGES and span is not None else msisdn

    waits: set[asyncio.Future[Any]] = set()
    asks: dict[str, list[str]] = {}
    for name in names:
        loader = getattr(loaders, name)
        kind = _KEPT.get(name)
        if kind is None:
            # Started first: its batch runs while the cache is read.
            waits.update(loader.load(key_of(name, msisdn)) for msisdn in msisdns)
            continue
        held = set(msisdns) - set(
            key[0] if name == _CHARGES else key
            for key in loaders.unread(name, [key_of(name, m) for m in msisdns])
        )
        waits.update(loader.load(key_of(name, msisdn)) for msisdn in held)
        unread = [msisdn for msisdn in msisdns if msisdn not in held]
        if unread:
            asks[kind] = unread
    if asks:
        kept = await ctx.ports.reads.peek(asks, span)
        for name in names:
            kind = _KEPT.get(name)
            if kind is None or kind not in asks:
                continue
            answer = kept[kind]
            missing = set(answer.missing)
            loaders.prime(
                name,
                {key_of(name, m): value for m, value in answer.found.items()},
                [key_of(name, m) for m in asks[kind] if m not in answer.found and m not in missing],
            )
            loader = getattr(loaders, name)
            waits.update(loader.load(key_of(name, msisdn)) for msisdn in answer.missing)
    pending = [wait for wait in waits if not wait.done()]
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
