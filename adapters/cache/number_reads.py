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
    PENDING       security store (not cached)
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

from collections.abc import Collection, Sequence
from enum import Enum
from typing import Protocol

from adapters.cache.answers import AnswerCache
from adapters.cache.reads import ReadCaches
from adapters.cache.refresher import Refresher


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
