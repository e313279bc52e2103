"""Which hub events this deployment has already handled, so that each reaches the live
subscribers once.

Every gateway process registers its own listener at each backend's hub, so a backend
sends each event once per registration: with N workers (and M machines) N x M copies of
one event, all with the same `eventId`, arrive at whichever processes the load balancer
picks. The first process to claim the id in Redis (SET NX with a TTL) publishes it; the
others drop their copy. A claim kept per deployment, rather than one registration per
deployment, keeps every registration as a spare: a registration whose process died still
delivers through the others, and no election is needed.

Redis failing to answer is not a reason to lose an event: the copy is then handled
(at least once: a subscriber may see a repeat, which only makes it re-read).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.redis_guard import RedisGuard

log = logging.getLogger(__name__)
_SEEN_MAX = 10_000
# Longer than a hub's delivery of one event to every registration (with its retries).
CLAIM_SECONDS = 600


class EventClaims(Protocol):
    async def first_time(self, event_id: str) -> bool: ...


class SeenHere:
    """One process: the last ids it handled (also the cheap first check of the Redis
    claims: a copy this process already handled costs no round trip)."""

    def __init__(self) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()

    async def first_time(self, event_id: str) -> bool:
        return self.remember(event_id)

    def remember(self, event_id: str) -> bool:
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        if len(self._ids) > _SEEN_MAX:
            self._ids.popitem(last=False)
        return True


class RedisEventClaims:
    def __init__(self, redis: Redis, namespace: str, guard: RedisGuard) -> None:
        self._redis = redis
        self._prefix = f"{namespace}:event:"
        self._guard = guard
        self._here = SeenHere()

    async def first_time(self, event_id: str) -> bool:
        if not self._here.remember(event_id):
            return False
        try:
            claimed = await self._guard.bounded(
                self._redis.set(self._prefix + event_id, b"1", nx=True, ex=CLAIM_SECONDS)
            )
        except (RedisError, OSError) as exc:
            log.warning("event %s not claimed, handled anyway: %s", event_id, exc)
            return True
        return bool(claimed)
