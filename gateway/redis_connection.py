"""The Redis client of one process, built from the settings: a cluster client when
cluster nodes are given, a blocking pool on one URL otherwise, or none (in process)."""

from __future__ import annotations

from typing import cast

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster

from gateway.settings import Settings


def _cluster_nodes(settings: Settings) -> list[tuple[str, int]]:
    return [
        (host, int(port)) for host, port in (n.rsplit(":", 1) for n in settings.redis_cluster_nodes)
    ]


def node_clients(settings: Settings) -> list[Redis]:
    """One plain client per configured cluster node, for pub/sub (cluster-wide on any node)."""
    timeout = settings.redis_timeout
    return [
        Redis(host=host, port=port, socket_timeout=timeout, socket_connect_timeout=timeout)
        for host, port in _cluster_nodes(settings)
    ]


def connect_redis(settings: Settings) -> Redis | None:
    """A Redis client (a cluster client when cluster nodes are given), or None."""
    timeout = settings.redis_timeout
    if settings.redis_cluster_nodes:
        nodes = [ClusterNode(host, port) for host, port in _cluster_nodes(settings)]
        # RedisCluster speaks the same commands; the cache, the security store and the
        # persisted queries keep every multi-key step within one slot (or use MGET's
        # non-atomic cluster form).
        cluster = RedisCluster(
            startup_nodes=nodes, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        return cast("Redis", cluster)
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
        )
        return Redis(connection_pool=pool)
    return None
