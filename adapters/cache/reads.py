"""Per-number reads kept in the shared cache: products, customers, links, activations,
charges. A warm home screen then costs cache reads, not a backend call per resource.

Each kind is kept `ttl` seconds under its own key, stamped with the moment it was written
(adapters/cache/early.py): a read in the last part of an entry's TTL, at a moment
jittered per entry, is served the entry and starts its refresh in the background
(adapters/cache/refresher.py), so a hot entry is replaced before it expires and entries
written together do not expire together. A refresh writes only over the entry it read
(`Cache.replace`): when a change dropped the entry meanwhile, or another refresh replaced
it, what it read is not written. Values are JSON written and checked by
a pydantic TypeAdapter of the record type (never pickle: what comes out of a shared cache
must not be able to run code). A number the backend has nothing for is kept too, as
`null`, so that an empty answer is not asked for again on every screen.

Changes leave the cache through `forget()`, called only by the number's read model
(adapters/cache/number_reads.py) for the gateway's own actions and the backends' hub
events. What no event announces (a customer's name changed in the
CRM) is at most `ttl` seconds old. An entry that no longer decodes (a deploy changed a
record's layout) counts as a miss.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, TypeVar

from prometheus_client import Counter
from pydantic import TypeAdapter, ValidationError

from adapters import metrics
from adapters.cache.decoded import Decoded
from adapters.cache.early import OFF, EarlyRefresh, Freshness, stamp, unstamp
from adapters.cache.flights import Fetch, SharedLoads
from adapters.cache.port import Cache
from adapters.cache.refresher import Refresher
from adapters.clock import Clock, SystemClock
from adapters.scope import count_cache_lookups

V = TypeVar("V")

# Part of every key: a change of a record's fields gets new keys instead of old entries.
LAYOUT_VERSION = "r2"  # r2: stamped with the moment written


def _tally(kind: str, hits: int, misses: int) -> None:
    """Count lookups in the metrics and in the request's log line."""
    if hits:
        _counter(kind, "hit").inc(hits)
    if misses:
        _counter(kind, "miss").inc(misses)
    count_cache_lookups(hits, misses)


@cache
def _counter(kind: str, result: str) -> Counter:
    # Looked up once: labels() costs a lock and a dict lookup on every call.
    return metrics.READ_CACHE.labels(kind, result)


class CachedReads(Generic[V]):
    def __init__(
        self,
        kind: str,
        fetch: Fetch[V],
        codec: TypeAdapter[V | None],
        cache: Cache,
        *,
        namespace: str,
        ttl: float,
        clock: Clock | None = None,
        early: EarlyRefresh = OFF,
        refresher: Refresher | None = None,
    ) -> None:
        self._kind = kind
        self._clock = clock or SystemClock()
        self._early = early if refresher is not None else OFF
        self._refresher = refresher
        self._codec = codec
        self._decoded: Decoded[V | None] = Decoded(codec.validate_json)
        self._cache = cache
        self._prefix = f"{namespace}:{kind}:{LAYOUT_VERSION}:"
        self._ttl = ttl
        self._loads: SharedLoads[V] = SharedLoads(fetch, self._store)

    def key(self, subject: str) -> str:
        return self._prefix + subject

    async def get(self, subjects: Sequence[str]) -> dict[str, V]:
        """Like the backend's batch read: the subjects that have a value, from the cache
        where it holds them and from the backend (one call) for the rest."""
        if not subjects:
            return {}
        raw = await self._cache.get_many(self.keys(subjects))
        found, missing = self.take(subjects, raw)
        if missing:
            found.update(await self._loads.load(missing))
        return found

    def keys(self, subjects: Sequence[str]) -> list[str]:
        """The cache keys of `subjects`, in order (a read model reading several kinds in
        one cache call: `NumberReads.peek`)."""
        prefix = self._prefix
        return [prefix + s for s in subjects]

    def take(
        self, subjects: Sequence[str], raw: Sequence[bytes | None], *, count_misses: bool = True
    ) -> tuple[dict[str, V], list[str]]:
        """What the cache answered for `subjects` (`raw`, in order): the values kept, and
        the subjects it does not hold fresh (to be loaded). A subject in neither is kept
        as having nothing. Counts the lookups (the misses only if `count_misses`: a peek's
        misses are looked up again, and counted, by their loads) and starts the
        refreshes that are due."""
        now = self._clock.now().timestamp()
        found: dict[str, V] = {}
        missing: list[str] = []
        due: dict[str, bytes] = {}
        for subject, data in zip(subjects, raw, strict=True):
            stamped = unstamp(data) if data is not None else None
            if data is None or stamped is None:
                missing.append(subject)
                continue
            written_at, body = stamped
            freshness = self._early.freshness(self._prefix + subject, written_at, self._ttl, now)
            if freshness is Freshness.EXPIRED:
                missing.append(subject)
                continue
            try:
                value = self._decoded(body)
            except ValidationError:
                missing.append(subject)
                continue
            if freshness is Freshness.DUE:
                due[subject] = data
            if value is not None:
                found[subject] = value
        _tally(self._kind, len(subjects) - len(missing), len(missing) if count_misses else 0)
        if due and self._refresher is not None:
            self._refresher.start(
                self._kind,
                {s: self._prefix + s + ":refresh" for s in due},
                self._early.lease(self._ttl),
                lambda claimed: self._refresh(claimed, due),
            )
        return found, missing

    def _entry(self, value: V | None) -> bytes:
        return stamp(self._clock.now().timestamp(), self._codec.dump_json(value))

    async def _store(self, subjects: Sequence[str], loaded: Mapping[str, V]) -> None:
        await self._cache.set_many(
            {self._prefix + s: self._entry(loaded.get(s)) for s in subjects}, self._ttl
        )

    async def _refresh(self, subjects: Sequence[str], read: Mapping[str, bytes]) -> None:
        async def store(keep: Sequence[str], loaded: Mapping[str, V]) -> None:
            # Only over the entry the refresh was started from: a change dropped it, or
            # a miss's load or another refresh replaced it, and what was read is older.
            written = await asyncio.gather(
                *(
                    self._cache.replace(
                        self._prefix + s, read[s], self._entry(loaded.get(s)), self._ttl
                    )
                    for s in keep
                )
            )
            superseded = len(keep) - sum(written)
            if superseded:
                metrics.REFRESHES.labels(self._kind, "superseded").inc(superseded)

        await self._loads.refresh(subjects, store)

    async def forget(self, subjects: Sequence[str]) -> None:
        """Drop what is kept for `subjects` (they changed): the next read asks the backend."""
        if not subjects:
            return
        self._loads.forget(subjects)
        await self._cache.delete_many([self._prefix + s for s in subjects])


@dataclass(frozen=True, slots=True)
class ReadCaches:
    """Makes the cached reads of the adapters: one cache, namespace and TTL for all, and
    remembers each by its kind, for the read model to drop."""

    cache: Cache
    namespace: str
    ttl: float
    made: dict[str, CachedReads[Any]] = field(default_factory=dict)
    clock: Clock = field(default_factory=SystemClock)
    early: EarlyRefresh = OFF
    refresher: Refresher | None = None

    def of(self, kind: str, fetch: Fetch[V], record: Any) -> CachedReads[V]:
        """`record` is the type a value has (`CustomerRecord`, `Sequence[LinkRecord]`)."""
        codec: TypeAdapter[V | None] = TypeAdapter(record | None)
        reads: CachedReads[V] = CachedReads(
            kind,
            fetch,
            codec,
            self.cache,
            namespace=self.namespace,
            ttl=self.ttl,
            clock=self.clock,
            early=self.early,
            refresher=self.refresher,
        )
        self.made[kind] = reads
        return reads
