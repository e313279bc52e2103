"""Per-number reads kept in the shared cache: products, customers, links, activations,
charges. A warm home screen then costs cache reads, not a backend call per resource.

Each kind is kept `ttl` seconds under its own key. Values are JSON written and checked by
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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, TypeVar

from prometheus_client import Counter
from pydantic import TypeAdapter, ValidationError

from adapters import metrics
from adapters.cache.flights import Fetch, SharedLoads
from adapters.cache.port import Cache
from adapters.scope import count_cache_lookups

V = TypeVar("V")

# Part of every key: a change of a record's fields gets new keys instead of old entries.
LAYOUT_VERSION = "r1"


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
    ) -> None:
        self._kind = kind
        self._codec = codec
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
        raw = await self._cache.get_many([self._prefix + s for s in subjects])
        found: dict[str, V] = {}
        missing: list[str] = []
        for subject, data in zip(subjects, raw, strict=True):
            if data is None:
                missing.append(subject)
                continue
            try:
                value = self._codec.validate_json(data)
            except ValidationError:
                missing.append(subject)
                continue
            if value is not None:
                found[subject] = value
        _tally(self._kind, len(subjects) - len(missing), len(missing))
        if missing:
            found.update(await self._loads.load(missing))
        return found

    async def _store(self, subjects: Sequence[str], loaded: Mapping[str, V]) -> None:
        await self._cache.set_many(
            {self._prefix + s: self._codec.dump_json(loaded.get(s)) for s in subjects},
            self._ttl,
        )

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

    def of(self, kind: str, fetch: Fetch[V], record: Any) -> CachedReads[V]:
        """`record` is the type a value has (`CustomerRecord`, `Sequence[LinkRecord]`)."""
        codec: TypeAdapter[V | None] = TypeAdapter(record | None)
        reads: CachedReads[V] = CachedReads(
            kind, fetch, codec, self.cache, namespace=self.namespace, ttl=self.ttl
        )
        self.made[kind] = reads
        return reads
