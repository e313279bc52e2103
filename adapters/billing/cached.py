"""Billing with balances and quotas cached: the resolvers never know.

A balance is fresh for `fresh_ttl` seconds after it was read from billing; within that
time reads cost no billing call. Entries are kept `keep_ttl` (longer) so that when billing
fails the last known balance can still be served, marked stale with its `updated_at`.

Single flight: concurrent requests in this process for the same uncached balance share
one billing call (the call runs in its own task, so one caller giving up does not fail
the others).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime

from adapters import metrics
from adapters.billing.codec import LAYOUT_VERSION, decode_balance, encode_balance
from adapters.billing.port import BillingActionsPort, BillingPort
from adapters.billing.records import BalanceRecord, ChargeRecord
from adapters.cache.port import Cache
from adapters.clock import Clock
from adapters.errors import BackendError
from adapters.scope import current_scope


def _tally(hits: int, misses: int) -> None:
    metrics.CACHE.labels("hit").inc(hits)
    metrics.CACHE.labels("miss").inc(misses)
    scope = current_scope()
    if scope is not None:
        scope.cache_hits += hits
        scope.cache_misses += misses


class CachedBilling:
    def __init__(
        self,
        inner: BillingPort,
        actions: BillingActionsPort,
        cache: Cache,
        clock: Clock,
        *,
        namespace: str,
        fresh_ttl: float,
        keep_ttl: float,
    ) -> None:
        self._inner = inner
        self._actions = actions
        self._cache = cache
        self._clock = clock
        self._prefix = f"{namespace}:balance:{LAYOUT_VERSION}:"
        self._fresh_ttl = fresh_ttl
        self._keep_ttl = max(keep_ttl, fresh_ttl)
        self._inflight: dict[str, asyncio.Task[Mapping[str, BalanceRecord]]] = {}
        # Bumped by invalidate(): a read that started before a change must not cache
        # what it read after the change was made.
        self._generation: dict[str, int] = {}

    def key(self, msisdn: str) -> str:
        return self._prefix + msisdn

    async def balances(self, msisdns: Sequence[str]) -> Mapping[str, BalanceRecord]:
        now = self._clock.now()
        cached = await self._cache.get_many([self.key(m) for m in msisdns])
        fresh: dict[str, BalanceRecord] = {}
        stale: dict[str, BalanceRecord] = {}
        for msisdn, data in zip(msisdns, cached, strict=True):
            if data is None:
                continue
            record = decode_balance(data)
            if (now - record.updated_at).total_seconds() < self._fresh_ttl:
                fresh[msisdn] = record
            else:
                stale[msisdn] = record
        missing = [m for m in msisdns if m not in fresh]
        _tally(len(fresh), len(missing))
        if not missing:
            return fresh
        try:
            fresh.update(await self._shared_load(missing))
        except BackendError:
            # The last known balance beats no balance, but only when every number asked
            # for has one: a partial answer here would read as "unknown number".
            if all(m in stale for m in missing):
                metrics.CACHE.labels("stale").inc(len(missing))
                fresh.update({m: dataclasses.replace(stale[m], stale=True) for m in missing})
                return fresh
            raise
        return fresh

    async def _shared_load(self, missing: Sequence[str]) -> dict[str, BalanceRecord]:
        tasks = {self._inflight[m] for m in missing if m in self._inflight}
        mine = [m for m in missing if m not in self._inflight]
        if mine:
            task = asyncio.ensure_future(self._fetch(mine))
            for msisdn in mine:
                self._inflight[msisdn] = task
            task.add_done_callback(lambda done: self._forget(mine, done))
            tasks.add(task)
        loaded: dict[str, BalanceRecord] = {}
        for result in await asyncio.gather(*(asyncio.shield(t) for t in tasks)):
            loaded.update(result)
        return {m: loaded[m] for m in missing if m in loaded}

    def _forget(
        self, msisdns: Sequence[str], task: asyncio.Task[Mapping[str, BalanceRecord]]
    ) -> None:
        for msisdn in msisdns:
            if self._inflight.get(msisdn) is task:
                del self._inflight[msisdn]

    async def _fetch(self, msisdns: Sequence[str]) -> Mapping[str, BalanceRecord]:
        started = {m: self._generation.get(m, 0) for m in msisdns}
        loaded = await self._inner.balances(msisdns)
        await self._cache.set_many(
            {
                self.key(m): encode_balance(r)
                for m, r in loaded.items()
                if self._generation.get(m, 0) == started.get(m)
            },
            self._keep_ttl,
        )
        return loaded

    async def invalidate(self, msisdns: Sequence[str]) -> None:
        """Forget the cached balances (after a change), so the next read asks billing."""
        for msisdn in msisdns:
            self._generation[msisdn] = self._generation.get(msisdn, 0) + 1
            self._inflight.pop(msisdn, None)
        await self._cache.delete_many([self.key(m) for m in msisdns])

    async def charges(
        self, msisdns: Sequence[str], start: datetime, end: datetime
    ) -> Mapping[str, Sequence[ChargeRecord]]:
        return await self._inner.charges(msisdns, start, end)

    @property
    def actions(self) -> BillingActionsPort:
        """The changes, straight to billing (callers invalidate what they change)."""
        return self._actions
