"""The read model of one number: what is read about it, where each read is kept, and the
one way to drop all of it when the number changes.

What is read about a number, and where it is kept between its backend and a resolver:

    read          backend        shared cache key (Redis, or in process)    TTL
    BALANCE       billing        <ns>:balance:v2:<msisdn>                    balance TTL, kept
                                                                             longer as stale
                                 <ns>:charges:r2:<msisdn>/<start>/<end>      read TTL
    PRODUCTS      provisioning   <ns>:products:r2:<msisdn>                   read TTL
    CUSTOMER      provisioning   <ns>:customer:r2:<msisdn>                   read TTL
    LINKS         provisioning   <ns>:links:r2:<owner>                       read TTL
    ACTIVATIONS   loyalty        <ns>:activations:r2:<msisdn>                read TTL
    PENDING       security store <ns>:pending:r2:<owner>                     read TTL, each link
                                 (with its expiry: security/kept_pending.py) shown until then
    TOP_UPS       payments       (not cached: a top-up shows at once,
                                 whichever process finished its saga)
    STATEMENTS    billing        (not cached: a statement's state moves
                                 in billing, with no event to us)
    (all)         whole answers  <ns>:answer:a2:<msisdn>:<digest>, valid while
                                 <ns>:epoch:a1:<msisdn> is unchanged         answer TTL

Each entry is refreshed shortly before it expires when it is read then (early refresh,
adapters/cache/early.py; `<key>:refresh` is the lease that makes it one refresh across
processes), so hot entries do not expire together; the refreshes of the reads and
balances run in the background (adapters/cache/refresher.py, closed with the runtime).

A screen reads the kept entries of all its fields and numbers in one cache call (`peek`,
from resolvers/read_ahead.py) and hands them to its loaders; the rest is read as usual.

The layers in front of the shared cache do not keep anything of their own for longer
than a load: single flight (adapters/cache/flights.py) shares one backend call among
concurrent misses of a key, coalescing (adapters/cache/coalescing.py) turns one turn's
cache reads into one MGET, and the request's loaders (resolvers/loaders.py) read a key
once per request. The catalog and the partner offers are not a number's and are kept in
process (adapters/memo.py).

A change -- the gateway's own action, or a backend's hub event -- calls `forget` once
with the numbers and what changed about them. That drops the shared-cache entries, marks
flights in progress as not to be stored, moves the numbers' answer epoch (one write,
however many reads changed) and, for an action, clears the request's own loaders, so the
action's payload shows the state after the change.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Protocol

from adapters.cache.answers import AnswerCache
from adapters.cache.reads import ReadCaches
from adapters.cache.refresher import Refresher

log = logging.getLogger(__name__)


class NumberRead(Enum):
    """What a change can make wrong about a number. BALANCE covers this month's charges
    too: whatever moves money also adds a charge."""

    BALANCE = "balance"
    PRODUCTS = "products"
    CUSTOMER = "customer"
    LINKS = "links"
    ACTIVATIONS = "activations"
    PENDING = "pending"
    TOP_UPS = "top_ups"
    STATEMENTS = "statements"


# Everything: an event that says only "this number changed".
EVERYTHING = frozenset(NumberRead)


class KeptBalances(Protocol):
    """The balance cache (adapters/billing/cached.py): balances and this month's charges."""

    async def forget(self, msisdns: Sequence[str]) -> None: ...

    def balance_keys(self, msisdns: Sequence[str]) -> list[str]: ...

    def take_balances(
        self, msisdns: Sequence[str], cached: Sequence[bytes | None], *, count_misses: bool
    ) -> tuple[dict[str, Any], list[str]]: ...

    def charge_subjects(
        self, msisdns: Sequence[str], start: datetime, end: datetime
    ) -> list[str] | None: ...


# `NumberReads.peek`'s kinds besides the read caches' own ("products", "customer",
# "links", "activations"): the balances, and the charges of one period.
BALANCES = "balance"
CHARGES = "charges"


@dataclass(frozen=True, slots=True)
class Kept:
    """What the caches hold of one kind for the numbers asked: the values by number, and
    the numbers they do not hold fresh (to be read through the usual way). A number in
    neither is kept as having nothing."""

    found: dict[str, Any]
    missing: list[str]


class _Take(Protocol):
    def __call__(
        self, subjects: Sequence[str], raw: Sequence[bytes | None], /, *, count_misses: bool
    ) -> tuple[dict[str, Any], list[str]]: ...


class RequestReads(Protocol):
    """What one request has already read (its loaders): cleared with the caches."""

    def forget(self, msisdns: Sequence[str], reads: Collection[NumberRead]) -> None: ...


class NumberReads:
    def __init__(
        self,
        balances: KeptBalances,
        caches: ReadCaches,
        answers: AnswerCache | None,
        refresher: Refresher | None = None,
    ) -> None:
        self._balances = balances
        self._caches = caches
        self._answers = answers
        self._refresher = refresher

    async def peek(
        self,
        asks: Mapping[str, Sequence[str]],
        period: tuple[datetime, datetime] | None = None,
    ) -> dict[str, Kept]:
        """What the caches hold of several of the numbers' reads, in one cache call
        (`asks`: kind -> numbers; the charges are those of `period`). A screen's reads
        would otherwise each make a call of their own through their loaders; what is
        missing here is read that way still (and its miss counted then). Peeking counts
        the hits and starts the early refreshes that are due, as the reads do.

        It never fails: a cache call or an entry that fails here leaves its numbers
        missing, and their own reads meet (and report, field by field) what failed."""
        parts: list[tuple[str, Sequence[str], Sequence[str], int, int, _Take]] = []
        keys: list[str] = []
        kept: dict[str, Kept] = {}
        for kind, msisdns in asks.items():
            subjects = self._subjects(kind, msisdns, period)
            reads = None if kind == BALANCES else self._caches.made.get(kind)
            if subjects is None or (reads is None and kind != BALANCES):
                kept[kind] = Kept({}, list(msisdns))
                continue
            take: _Take
            if reads is None:
                take, wanted = self._balances.take_balances, self._balances.balance_keys(msisdns)
            else:
                take, wanted = reads.take, reads.keys(subjects)
            parts.append((kind, msisdns, subjects, len(keys), len(wanted), take))
            keys.extend(wanted)
        try:
            # Through the coalescing (adapters/cache/coalescing.py), even though this read
            # holds all of its screen's keys: concurrent screens share the call.
            raw = await self._caches.cache.get_many(keys) if keys else []
        except Exception:
            log.warning("reading ahead from the cache failed; read one by one", exc_info=True)
            raw = [None] * len(keys)
        for kind, msisdns, subjects, at, n, take in parts:
            try:
                found, missing = take(subjects, raw[at : at + n], count_misses=False)
            except Exception:
                # Not expected (entries that do not decode are misses): its reads decide.
                log.warning("reading ahead %s from the cache failed", kind, exc_info=True)
                kept[kind] = Kept({}, list(msisdns))
                continue
            if subjects is not msisdns:
                number = dict(zip(subjects, msisdns, strict=True))
                found = {number[s]: v for s, v in found.items()}
                missing = [number[s] for s in missing]
            kept[kind] = Kept(found, missing)
        return kept

    def _subjects(
        self, kind: str, msisdns: Sequence[str], period: tuple[datetime, datetime] | None
    ) -> Sequence[str] | None:
        """What a kind's entries are kept by for these numbers: the numbers themselves, or
        for charges, each number's billing period (None: charges asked without one)."""
        if kind != CHARGES:
            return msisdns
        return None if period is None else self._balances.charge_subjects(msisdns, *period)

    async def settled(self) -> None:
        """Wait until no early refresh is running (tests move the clock, then wait)."""
        if self._refresher is not None:
            await self._refresher.settled()

    async def close(self) -> None:
        """Stop the early refreshes: none outlives the runtime."""
        if self._refresher is not None:
            await self._refresher.close()

    async def forget(
        self,
        msisdns: Sequence[str],
        reads: Collection[NumberRead],
        request: RequestReads | None = None,
    ) -> None:
        """The numbers changed in `reads`: the next read of each goes to its backend."""
        msisdns = list(dict.fromkeys(msisdns))
        if not msisdns or not reads:
            return
        if request is not None:
            # First: what this request read before the change must not answer after it.
            request.forget(msisdns, reads)
        if NumberRead.BALANCE in reads:
            await self._balances.forget(msisdns)
        for read in reads:
            kept = self._caches.made.get(read.value)
            if kept is not None:
                await kept.forget(msisdns)
        if self._answers is not None:
            await self._answers.forget(msisdns)
