"""Redis's part of `/readyz`: on a cluster every node is asked, so that one lost primary
shows as "degraded" (the gateway serves its slots' reads from the backends) and all of
them lost as unreachable."""

from __future__ import annotations

import asyncio
from typing import Any

from redis.asyncio.cluster import RedisCluster


async def _ping(cluster: RedisCluster, node: Any, within: float) -> str | None:
    """None when the node answered, else the error's name."""
    try:
        await asyncio.wait_for(cluster.execute_command("PING", target_nodes=node), within)
    except Exception as exc:  # any failure is the answer here
        return type(exc).__name__
    return None


async def probe_cluster(cluster: RedisCluster, within: float) -> dict[str, Any]:
    nodes = cluster.get_nodes()
    if not nodes:
        # The client learns the topology on its first command; none may have run yet.
        try:
            await asyncio.wait_for(cluster.initialize(), within)
        except Exception as exc:  # any failure is the answer here
            return {"reachable": False, "kind": "redis-cluster", "state": "down", "error": str(exc)}
        nodes = cluster.get_nodes()
    errors = await asyncio.gather(*(_ping(cluster, node, within) for node in nodes))
    failing = {node.name: error for node, error in zip(nodes, errors, strict=True) if error}
    reachable = len(failing) < len(nodes)
    found: dict[str, Any] = {
        "reachable": reachable,
        "kind": "redis-cluster",
        "nodes": len(nodes),
        "state": "ok" if not failing and nodes else "degraded" if reachable else "down",
    }
    if failing:
        found["failing"] = failing
    return found


def degraded(check: dict[str, Any]) -> bool:
    return check.get("state") == "degraded"
