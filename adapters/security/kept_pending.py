"""Pending links as screens read them: each owner's kept in the shared cache with the
number's other reads, so a home screen or a dashboard reads them in the same cache call
(`NumberReads.peek`) instead of a round trip of their own to the security store.

Kept with their expiry and dropped as they are read once expired (`PendingLink.current`),
so a link whose code expired is not shown for a moment longer than from the store itself.
Asking for a link and confirming or withdrawing one drop the owner's entry through the
number's read model (`NumberRead.PENDING`, adapters/cache/number_reads.py), as every change
does. The actions themselves (resolvers/linking.py) read the store, never this copy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.cache.reads import CachedReads, ReadCaches
from adapters.security.port import SecurityStore
from domain.security import PendingLink

# The kind in the read caches: `NumberRead.PENDING`'s value, so a change drops it.
KIND = "pending"


class KeptPending:
    def __init__(self, store: SecurityStore, reads: ReadCaches) -> None:
        self._kept: CachedReads[Mapping[str, PendingLink]] = reads.of(
            KIND, store.pending_links, Mapping[str, PendingLink]
        )

    async def pending_links(self, owners: Sequence[str]) -> Mapping[str, Mapping[str, PendingLink]]:
        """Target -> link for each owner that has any; expired ones may be among them."""
        return await self._kept.get(owners)
