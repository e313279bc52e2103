"""Background refreshes of the read caches' entries whose refresh moment has come
(adapters/cache/early.py): bounded, one per entry, gone at shutdown.

- One per entry in this process (an entry being refreshed is not refreshed again), and
  across processes through a lease in the shared cache (`Cache.claim`): each process
  computes the same refresh moment for an entry, and only the one holding the lease asks
  the backend.
- At most `concurrency` refreshes run at once; a refresh over the bound is skipped and
  counted (`busy`): the entry is served until it expires and then read as a miss, as it
  would have been without early refresh.
- A refresh that fails leaves the entry as it is: it is served until its TTL ends, and
  the failure is counted (`failed`).
- A refresh runs in a scope of its own (adapters/scope.py), not the request's that
  started it: its backend calls are bounded by the lease, not by what is left of that
  request's deadline, are not retried (the entry is still served meanwhile), and do not
  spend the request's retry budget nor appear in its log line.
- `close()` cancels what is running, so no refresh outlives the runtime (nor writes to a
  cache being closed).

What is written, and when not (a change dropped the entry meanwhile), is the caller's
`run`: the cached adapters write through `Cache.replace`, in the same flight as the
misses of the same keys (adapters/cache/flights.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence

from adapters import metrics
from adapters.cache.port import Cache
from adapters.scope import request_scope

log = logging.getLogger(__name__)

# Refreshes `subjects` (a subset of those asked for: the ones whose lease was got).
Run = Callable[[Sequence[str]], Awaitable[None]]


class Refresher:
    def __init__(self, cache: Cache, *, concurrency: int) -> None:
        self._cache = cache
        self._concurrency = concurrency
        self._tasks: set[asyncio.Task[None]] = set()
        self._running: set[str] = set()
        self._closed = False

    @property
    def running(self) -> int:
        return len(self._tasks)

    def start(self, cache: str, leases: Mapping[str, str], lease_ttl: float, run: Run) -> None:
        """Refresh the subjects of `leases` (subject -> its lease key) in the background,
        those not already being refreshed here; `cache` names them in the metrics."""
        if self._closed:
            return
        subjects = {s: lease for s, lease in leases.items() if lease not in self._running}
        if not subjects:
            return
        if len(self._tasks) >= self._concurrency:
            metrics.REFRESHES.labels(cache, "busy").inc(len(subjects))
            return
        self._running.update(subjects.values())
        task = asyncio.ensure_future(self._refresh(cache, subjects, lease_ttl, run))
        # Held until done: the loop keeps only weak references to tasks.
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _refresh(
        self, cache: str, leases: Mapping[str, str], lease_ttl: float, run: Run
    ) -> None:
        try:
            got = await asyncio.gather(*(self._cache.claim(k, lease_ttl) for k in leases.values()))
            claimed = [s for s, mine in zip(leases, got, strict=True) if mine]
            if len(claimed) < len(leases):
                metrics.REFRESHES.labels(cache, "elsewhere").inc(len(leases) - len(claimed))
            if not claimed:
                return
            metrics.REFRESHES.labels(cache, "started").inc(len(claimed))
            try:
                with request_scope(lease_ttl, 0, request_id=f"refresh-{cache}"):
                    await run(claimed)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # The entry stays as it is, served until it expires.
                metrics.REFRESHES.labels(cache, "failed").inc(len(claimed))
                log.info("early refresh of %s failed, kept until it expires: %s", cache, exc)
                return
            metrics.REFRESHES.labels(cache, "ok").inc(len(claimed))
        finally:
            self._running.difference_update(leases.values())

    async def settled(self) -> None:
        """Wait until no refresh is running (tests; a drain)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        """Cancel what is running and wait for it to stop; start nothing more."""
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
