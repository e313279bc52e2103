"""Billing with balances and quotas cached: the resolvers never know.

A balance is fresh for `fresh_ttl` seconds after it was read from billing; within that
time reads cost no billing call. Entries are kept `keep_ttl` (longer) so that when billing
fails the last known balance can still be served, marked stale with its `updated_at`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime

from adapters.billing.codec import LAYOUT_VERSION, decode_balance, encode_balance
from adapters.billing.port import BillingPort
from adapters.billing.records import BalanceRecord, ChargeRecord
from adapters.cache.port import Cache
from adapters.clock import Clock
from adapters.errors import BackendError


class CachedBilling:
    def __init__(
        self,
        inner: BillingPort,
        cache: Cache,
        clock: Clock,
        *,
        namespace: str,
        fresh_ttl: float,
        keep_ttl: float,
    ) -> None:
        self._inner = inner
        self._cache = cache
        self._clock = clock
        self._prefix = f"{namespace}:balance:{LAYOUT_VERSION}:"
        self._fresh_ttl = fresh_ttl
        self._keep_ttl = max(keep_ttl, fresh_ttl)

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
        if not missing:
            return fresh
        try:
            loaded = await self._inner.balances(missing)
        except BackendError:
            # The last known balance beats no balance, but only when every number asked
            # for has one: a partial answer here would read as "unknown number".
            if all(m in stale for m in missing):
                fresh.update({m: dataclasses.replace(stale[m], stale=True) for m in missing})
                return fresh
            raise
        await self._cache.set_many(
            {self.key(m): encode_balance(r) for m, r in loaded.items()}, self._keep_ttl
        )
        fresh.update(loaded)
        return fresh

    async def invalidate(self, msisdns: Sequence[str]) -> None:
        """Forget the cached balances (after a change), so the next read asks billing."""
        await self._cache.delete_many([self.key(m) for m in msisdns])

    async def charges(
        self, msisdns: Sequence[str], start: datetime, end: datetime
    ) -> Mapping[str, Sequence[ChargeRecord]]:
        return await self._inner.charges(msisdns, start, end)
