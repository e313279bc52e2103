"""How an action says what it changed: `changing(ctx, numbers, reads)` around the backend
call. When the call ends -- also when it failed, for it may have been made all the same --
the number's read model drops the caches and this request's loaders of those reads
(adapters/cache/number_reads.py), so the payload and the next screen show the change."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from adapters.cache.number_reads import NumberRead
from resolvers.context import Context


async def changed(ctx: Context, msisdns: Sequence[str], *reads: NumberRead) -> None:
    await ctx.ports.reads.forget(msisdns, reads, ctx.loaders)


@asynccontextmanager
async def changing(ctx: Context, msisdns: Sequence[str], *reads: NumberRead) -> AsyncIterator[None]:
    try:
        yield
    finally:
        await changed(ctx, msisdns, *reads)
