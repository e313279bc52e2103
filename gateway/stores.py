"""Where one process keeps what outlives a request: the cache, the security and
idempotency stores, the persisted queries and the event bus -- in Redis when one is
configured (shared by every process), in process otherwise (the demo)."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from adapters.audit_redis_store import RedisAuditStore
from adapters.audit_store import AuditStore, MemoryAuditStore
from adapters.breaker import CircuitBreaker
from adapters.cache.coalescing import CoalescingCache
from adapters.cache.memory import MemoryCache
from adapters.cache.port import Cache
from adapters.cache.redis import RedisCache
from adapters.clock import Clock
from adapters.events.bus import EventBus, MemoryBus
from adapters.events.redis_bus import RedisBus
from adapters.idempotency.memory_store import MemoryIdempotencyStore
from adapters.idempotency.port import IdempotencyStore
from adapters.idempotency.redis_store import RedisIdempotencyStore
from adapters.persisted.memory_store import MemoryPersistedQueries
from adapters.persisted.port import PersistedQueries
from adapters.persisted.redis_store import RedisPersistedQueries
from adapters.redis_guard import RedisGuard
from adapters.security.memory_store import MemorySecurityStore
from adapters.security.port import SecurityStore
from adapters.security.redis_store import RedisSecurityStore
from gateway.redis_clients import node_clients, prepare_redis
from gateway.settings import Settings

# Without Redis (the demo) the audit store keeps this many reads in process.
_AUDIT_IN_PROCESS = 10_000


@dataclass(frozen=True, slots=True)
class Stores:
    redis: Redis | None
    cache: Cache
    security: SecurityStore
    idempotency: IdempotencyStore
    persisted: PersistedQueries
    events: EventBus
    # The agents' reads, as supervisors query them (auditLog).
    audit: AuditStore

    @property
    def kind(self) -> str:
        return "redis" if self.redis is not None else "in-process"


async def open_stores(
    settings: Settings, clock: Clock, redis: Redis | None, breaker: CircuitBreaker | None
) -> Stores:
    """`breaker` is Redis's: a cache read or a counter is skipped while it is open (a miss,
    counted); codes, tries, sessions and idempotency keys are never skipped by it but fail
    closed. Every Redis operation is bounded by TGW_REDIS_TIMEOUT and the request's
    deadline (adapters/redis_guard.py)."""
    namespace = settings.cache_namespace
    if redis is None:
        return Stores(
            redis=None,
            cache=MemoryCache(clock, settings.memory_cache_entries),
            security=MemorySecurityStore(clock),
            idempotency=MemoryIdempotencyStore(clock),
            persisted=MemoryPersistedQueries(),
            # Without Redis (the demo) events stay in this process.
            events=MemoryBus(settings.subscription_queue),
            audit=MemoryAuditStore(min(settings.audit_per_day, _AUDIT_IN_PROCESS)),
        )
    await prepare_redis(redis, settings)
    guarded = RedisGuard(settings.redis_timeout, breaker)
    bounded = RedisGuard(settings.redis_timeout)  # no breaker: fails closed, never skipped
    bus = RedisBus(
        node_clients(settings) if settings.redis_cluster_nodes else redis,
        namespace,
        settings.subscription_queue,
        check_every=settings.redis_pubsub_check,
        # A pong is one round trip; generous, a busy process answers late too.
        answer_within=max(1.0, 4 * settings.redis_timeout),
    )
    await bus.start()
    return Stores(
        redis=redis,
        cache=CoalescingCache(RedisCache(redis, breaker, settings.redis_timeout)),
        security=RedisSecurityStore(redis, clock, namespace, bounded, counters=guarded),
        idempotency=RedisIdempotencyStore(redis, namespace, bounded),
        persisted=RedisPersistedQueries(redis, namespace, settings.apq_ttl, bounded),
        events=bus,
        audit=RedisAuditStore(
            redis,
            namespace,
            bounded,
            clock,
            per_day=settings.audit_per_day,
            retention_days=settings.audit_retention_days,
        ),
    )
