"""The Redis clients, built from the settings: one server (REDIS_URL), a Redis Cluster
(TGW_REDIS_CLUSTER_NODES) or a primary found through Sentinel (TGW_REDIS_SENTINELS).

Retries are chosen here, explicitly, never left to redis-py's defaults (a cluster client
without `retry=` retries 3 times with backoff up to a second, topology refreshes between:
seconds per command during a failover). Each attempt is bounded by `TGW_REDIS_TIMEOUT`
(the socket timeouts), and every operation as a whole by the same setting
(`adapters/redis_guard.py`), so the retries only ever fill what is left of it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import cast

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel
from redis.backoff import ExponentialWithJitterBackoff

from gateway.settings import Settings

log = logging.getLogger(__name__)
# A refresh of the cluster's topology (CLUSTER SLOTS) after a connection error or MOVED
# at most four times a second per process, however many requests notice the failover at
# once. Once a second (redis-py's default) let writes to the lost slots fail for up to a
# second after the replica was promoted (a refresh made just before it still named the
# dead primary, the next one waited out the interval); a quarter keeps that lag well
# under a second for four CLUSTER SLOTS a second at most during a failover.
TOPOLOGY_REFRESH_SECONDS = 0.25
# Between a command's attempts: short, the whole operation has TGW_REDIS_TIMEOUT.
_BACKOFF = ExponentialWithJitterBackoff(base=0.01, cap=0.05)


def _socket_timeout(settings: Settings) -> float:
    """A little under the operation's bound: a stalled node must fail inside redis-py (a
    TimeoutError, which makes a cluster client refresh its topology and find the promoted
    replica) before the bound cancels the command from outside (which teaches it nothing)."""
    return settings.redis_timeout * 0.8


def redis_retry(settings: Settings) -> Retry:
    return Retry(_BACKOFF, settings.redis_retries)


def _addresses(nodes: list[str]) -> list[tuple[str, int]]:
    return [(host, int(port)) for host, port in (n.rsplit(":", 1) for n in nodes)]


def node_clients(settings: Settings) -> list[Redis]:
    """One plain client per configured cluster node, for pub/sub (cluster-wide on any node)."""
    timeout = settings.redis_timeout
    return [
        Redis(
            host=host,
            port=port,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(_BACKOFF, 0),
        )
        for host, port in _addresses(settings.redis_cluster_nodes)
    ]


def connect_redis(settings: Settings) -> Redis | None:
    """A Redis client (a cluster client when cluster nodes are given, a Sentinel-managed
    one when Sentinels are), or None."""
    timeout = _socket_timeout(settings)
    if settings.redis_cluster_nodes:
        nodes = [ClusterNode(host, port) for host, port in _addresses(settings.redis_cluster_nodes)]
        # RedisCluster speaks the same commands; the cache, the security store and the
        # persisted queries keep every multi-key step within one slot (or use MGET's
        # non-atomic cluster form).
        cluster = RedisCluster(
            startup_nodes=nodes,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=redis_retry(settings),
            topology_refresh_min_interval=TOPOLOGY_REFRESH_SECONDS,
            max_connections=settings.redis_connections,
        )
        return cast("Redis", cluster)
    if settings.redis_sentinels:
        sentinel = Sentinel(
            _addresses(settings.redis_sentinels),
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            sentinel_kwargs={"socket_timeout": timeout, "socket_connect_timeout": timeout},
        )
        # Asks the Sentinels for the primary on each new connection, so a promoted
        # replica is found by the next connection after a failover.
        primary: Redis = sentinel.master_for(
            settings.redis_sentinel_service,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=redis_retry(settings),
            health_check_interval=10,
        )
        return primary
    if settings.redis_url:
        # A blocking pool: past its size a command waits (up to the Redis timeout) for a
        # connection instead of failing at once with "Too many connections" under load.
        pool = BlockingConnectionPool.from_url(
            settings.redis_url,
            max_connections=settings.redis_connections,
            timeout=timeout,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            health_check_interval=10,
            retry=redis_retry(settings),
        )
        return Redis(connection_pool=pool)
    return None


async def prepare_redis(redis: Redis, settings: Settings) -> None:
    """Learn a cluster's topology at start-up. Left to the first commands, it would run
    under their TGW_REDIS_TIMEOUT bound, and on a busy machine be cut short again and
    again while the first requests arrive. Best effort: a cluster down now is learned
    by the first command that reaches it."""
    if not isinstance(redis, RedisCluster):
        return
    try:
        await asyncio.wait_for(redis.initialize(), max(5.0, settings.redis_timeout))
    except Exception as exc:  # the gateway starts anyway: reads go to the backends
        log.warning("Redis Cluster topology not learned at start-up: %s", exc)
