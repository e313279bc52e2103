"""Billing with balances and quotas cached: the resolvers never know.

A balance is fresh for `fresh_ttl` seconds after it was read from billing; within that
time reads cost no billing call. Entries are kept `keep_ttl` (longer) so that when billing
fails the last known balance can still be served, marked stale with its `updated_at`.

Early refresh (adapters/cache/early.py): a read in the last part of a balance's fresh
TTL, at a moment jittered per balance, is served the balance and starts its refresh in
the background (adapters/cache/refresher.py), written only over the entry it read, so a
change meanwhile is never overwritten by the balance from before it.

Single flight: concurrent requests in this process for the same uncached balance share
one billing call (adapters/cache/flights.py).

This month's charges (the home screen's expenses) and past periods' are kept too, for
the read TTL; `forget` drops the balance and this month's charges together, since
whatever moves money also adds a charge. Only the number's read model
(adapters/cache/number_reads.py) calls it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta

from adapters import metrics
from adapters.billing.codec import LAYOUT_VERSION, decode_balance, encode_balance
from adapters.billing.port import BillingActionsPort, BillingPort
from adapters.cache.decoded import Decoded
from adapters.cache.early import OFF, Freshness
from adapters.cache.flights import SharedLoads
from adapters.cache.port import Cache
from adapters.cache.reads import CachedReads, ReadCaches
from adapters.clock import Clock
from adapters.errors import BackendError
from adapters.scope import count_cache_lookups, current_scope
from domain.billing import BalanceRecord, ChargeRecord


def _tally(hits: int, misses: int) -> None:
    metrics.CACHE.labels("hit").inc(hits)
    metrics.CACHE.labels("miss").inc(misses)
    count_cache_lookups(hits, misses)


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
        reads: ReadCaches,
    ) -> None:
        self._inner = inner
        self._actions = actions
        self._cache = cache
        self._clock = clock
        self._prefix = f"{namespace}:balance:{LAYOUT_VERSION}:"
        self._fresh_ttl = fresh_ttl
        self._keep_ttl = max(keep_ttl, fresh_ttl)
        # The read caches' refresh policy and runner, for the balances too.
        self._early = reads.early if reads.refresher is not None else OFF
        self._refresher = reads.refresher
        self._loads: SharedLoads[BalanceRecord] = SharedLoads(self._fetch, self._store)
        self._decoded = Decoded(decode_balance)
        self._charges: CachedReads[Sequence[ChargeRecord]] = reads.of(
            "charges", self._fetch_charges, Sequence[ChargeRecord]
        )

    def key(self, msisdn: str) -> str:
        return self._prefix + msisdn

    def balance_keys(self, msisdns: Sequence[str]) -> list[str]:
        return [self._prefix + m for m in msisdns]

    async def balances(self, msisdns: Sequence[str]) -> Mapping[str, BalanceRecord]:
        cached = await self._cache.get_many(self.balance_keys(msisdns))
        fresh, missing, stale = self._take(msisdns, cached)
        if not missing:
            return fresh
        try:
            fresh.update(await self._loads.load(missing))
        except BackendError:
            # The last known balance beats no balance, but only when every number asked
            # for has one: a partial answer here would read as "unknown number".
            if all(m in stale for m in missing):
                metrics.CACHE.labels("stale").inc(len(missing))
                scope = current_scope()
                if scope is not None:
                    scope.served_stale = True
                fresh.update({m: dataclasses.replace(stale[m], stale=True) for m in missing})
                return fresh
            raise
        return fresh

    def take_balances(
        self, msisdns: Sequence[str], cached: Sequence[bytes | None], *, count_misses: bool = True
    ) -> tuple[dict[str, BalanceRecord], list[str]]:
        """What the cache answered for `msisdns` (`cached`, in order, read by the number's
        read model): the fresh balances, and the numbers to be read from billing (an
        expired balance among them: `balances` decides whether to serve it stale). Their
        misses are counted when they are loaded."""
        fresh, missing, _ = self._take(msisdns, cached, count_misses=count_misses)
        return fresh, missing

    def _take(
        self, msisdns: Sequence[str], cached: Sequence[bytes | None], *, count_misses: bool = True
    ) -> tuple[dict[str, BalanceRecord], list[str], dict[str, BalanceRecord]]:
        now = self._clock.now().timestamp()
        fresh: dict[str, BalanceRecord] = {}
        stale: dict[str, BalanceRecord] = {}
        due: dict[str, bytes] = {}
        for msisdn, data in zip(msisdns, cached, strict=True):
            if data is None:
                continue
            try:
                record = self._decoded(data)
            except (ValueError, KeyError, TypeError):
                # Damaged, or a layout this code does not know: a miss, as for other reads.
                continue
            freshness = self._early.freshness(
                self.key(msisdn), record.updated_at.timestamp(), self._fresh_ttl, now
            )
            if freshness is Freshness.EXPIRED:
                stale[msisdn] = record
                continue
            fresh[msisdn] = record
            if freshness is Freshness.DUE:
                due[msisdn] = data
        missing = [m for m in msisdns if m not in fresh]
        _tally(len(fresh), len(missing) if count_misses else 0)
        if due and self._refresher is not None:
            self._refresher.start(
                "balance",
                {m: self.key(m) + ":refresh" for m in due},
                self._early.lease(self._fresh_ttl),
                lambda claimed: self._refresh(claimed, due),
            )
        return fresh, missing, stale

    async def _fetch(self, msisdns: Sequence[str]) -> Mapping[str, BalanceRecord]:
        return await self._inner.balances(msisdns)

    async def _store(self, msisdns: Sequence[str], loaded: Mapping[str, BalanceRecord]) -> None:
        await self._cache.set_many(
            {self.key(m): encode_balance(loaded[m]) for m in msisdns if m in loaded},
            self._keep_ttl,
        )

    async def _refresh(self, msisdns: Sequence[str], read: Mapping[str, bytes]) -> None:
        async def store(keep: Sequence[str], loaded: Mapping[str, BalanceRecord]) -> None:
            # Only over the entry read: a change dropped it, or a newer one replaced it.
            written = await asyncio.gather(
                *(
                    self._cache.replace(
                        self.key(m), read[m], encode_balance(loaded[m]), self._keep_ttl
                    )
                    for m in keep
                    if m in loaded
                )
            )
            if len(written) > sum(written):
                metrics.REFRESHES.labels("balance", "superseded").inc(len(written) - sum(written))

        await self._loads.refresh(msisdns, store)

    async def forget(self, msisdns: Sequence[str]) -> None:
        """Forget the cached balances and this month's charges (after a change), so the
        next read asks billing."""
        self._loads.forget(msisdns)
        await self._cache.delete_many([self.key(m) for m in msisdns])
        since, until = self._month_so_far()
        await self._charges.forget([_period_key(m, since, until) for m in msisdns])

    async def charges(
        self, msisdns: Sequence[str], start: datetime, end: datetime
    ) -> Mapping[str, Sequence[ChargeRecord]]:
        """Charges change only today: kept are this month so far (what the home screen
        shows, dropped by `forget`) and periods wholly past; any other period that
        reaches today is read from billing."""
        subjects = self.charge_subjects(msisdns, start, end)
        if subjects is None:
            return await self._inner.charges(msisdns, start, end)
        keys = dict(zip(subjects, msisdns, strict=True))
        found = await self._charges.get(subjects)
        return {keys[k]: v for k, v in found.items()}

    def charge_subjects(
        self, msisdns: Sequence[str], start: datetime, end: datetime
    ) -> list[str] | None:
        """The subjects the numbers' charges of the period are kept under in the "charges"
        read cache, in order; None when that period is not kept (it reaches today and is
        not this month so far)."""
        today = datetime.combine(self._clock.now().date(), time.min, UTC)
        if end > today and (start, end) != self._month_so_far():
            return None
        return [_period_key(m, start, end) for m in msisdns]

    async def _fetch_charges(self, keys: Sequence[str]) -> Mapping[str, Sequence[ChargeRecord]]:
        # Every key of one batch has the same period (charges() builds them so).
        _, start, end = _parse_period_key(keys[0])
        found = await self._inner.charges([k.split("/", 1)[0] for k in keys], start, end)
        return {_period_key(m, start, end): v for m, v in found.items()}

    def _month_so_far(self) -> tuple[datetime, datetime]:
        today = self._clock.now().date()
        return (
            datetime.combine(today.replace(day=1), time.min, UTC),
            datetime.combine(today + timedelta(days=1), time.min, UTC),
        )

    @property
    def actions(self) -> BillingActionsPort:
        """The changes, straight to billing (callers tell the read model what changed)."""
        return self._actions


def _period_key(msisdn: str, start: datetime, end: datetime) -> str:
    return f"{msisdn}/{start.isoformat()}/{end.isoformat()}"


def _parse_period_key(key: str) -> tuple[str, datetime, datetime]:
    msisdn, start, end = key.split("/")
    return msisdn, datetime.fromisoformat(start), datetime.fromisoformat(end)
