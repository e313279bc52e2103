"""Reading a number's records ahead of its fields: the fields a query asks of a number say
which dataloaders its resolvers will read, and loading those for every number at once,
before any field runs, lets each field find its records there (a compiled plan then runs
the field inline, schema/loaded_reads.py). Without it, a dashboard's numbers wait field by
field, each in its own task, for batches their siblings started.

Reading ahead only warms the request's loaders: a field whose reads are not listed here,
or asked with other arguments, loads as it always did, so a missing entry costs speed,
never an answer. A failed read stays failed in its loader (resolvers/loaders.py), so the
field reports it without asking the backend again."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any

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


async def read_ahead(ctx: Context, msisdns: Sequence[str], fields: Iterable[str]) -> None:
    """Load what `fields` read of each number, in one round of batches; errors stay in the
    loaders for the fields to report."""
    names = {name for field in fields for name in READS_OF_FIELD.get(field, ())}
    if not names or not msisdns:
        return
    waits: set[asyncio.Future[Any]] = set()
    for name in names:
        loader = getattr(ctx.loaders, name)
        if name == _CHARGES:
            start, end = period(ctx, None, None)
            waits.update(loader.load((msisdn, start, end)) for msisdn in msisdns)
        else:
            waits.update(loader.load(msisdn) for msisdn in msisdns)
    pending = [wait for wait in waits if not wait.done()]
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
