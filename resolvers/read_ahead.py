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
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from resolvers.context import Context
from resolvers.expenses import period

Read = Callable[[Context, str], "asyncio.Future[Any]"]


def _customer(ctx: Context, msisdn: str) -> asyncio.Future[Any]:
    return ctx.loaders.customer_by_msisdn.load(msisdn)


def _balance(ctx: Context, msisdn: str) -> asyncio.Future[Any]:
    return ctx.loaders.balance_by_msisdn.load(msisdn)


def _products(ctx: Context, msisdn: str) -> asyncio.Future[Any]:
    return ctx.loaders.products_by_msisdn.load(msisdn)


def _charges(ctx: Context, msisdn: str) -> asyncio.Future[Any]:
    # The default period (this month so far): what a field asked without arguments reads.
    start, end = period(ctx, None, None)
    return ctx.loaders.charges_by_period.load((msisdn, start, end))


def _links(ctx: Context, msisdn: str) -> asyncio.Future[Any]:
    return ctx.loaders.links_by_owner.load(msisdn)


def _pending(ctx: Context, msisdn: str) -> asyncio.Future[Any]:
    return ctx.loaders.pending_by_owner.load(msisdn)


def _activations(ctx: Context, msisdn: str) -> asyncio.Future[Any]:
    return ctx.loaders.activations_by_msisdn.load(msisdn)


def _top_ups(ctx: Context, msisdn: str) -> asyncio.Future[Any]:
    return ctx.loaders.top_ups_by_msisdn.load(msisdn)


def _statements(ctx: Context, msisdn: str) -> asyncio.Future[Any]:
    return ctx.loaders.statements_by_msisdn.load(msisdn)


# A Subscriber field (as the query names it) -> what its resolver reads (schema/subscriber.py).
READS_OF_FIELD: dict[str, tuple[Read, ...]] = {
    "name": (_customer,),
    "region": (_customer,),
    # Not the products its `nextChargeAmount` reads (the tariff's fee): a balance asked
    # alone (the app's widget) would pay a read it does not need; `tariff` usually reads
    # them ahead beside it.
    "balance": (_balance,),
    "tariff": (_products,),
    "services": (_products,),
    "expenses": (_charges,),
    # The resolver reads the pending links after the confirmed ones: both at once here.
    "linkedNumbers": (_links, _pending),
    "offers": (_activations,),
    "topUps": (_top_ups,),
    "statements": (_statements,),
}


async def read_ahead(ctx: Context, msisdns: Sequence[str], fields: Iterable[str]) -> None:
    """Load what `fields` read of each number, in one round of batches; errors stay in the
    loaders for the fields to report."""
    reads = {read for field in fields for read in READS_OF_FIELD.get(field, ())}
    if not reads or not msisdns:
        return
    waits = {read(ctx, msisdn) for read in reads for msisdn in msisdns}
    pending = [wait for wait in waits if not wait.done()]
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
