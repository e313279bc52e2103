"""A local three-node Redis Cluster on loopback ports, for the cluster tests."""

from __future__ import annotations

import random
import shutil
import subprocess
import time

import redis

from tests.harness.network import is_free
from tests.harness.redis_server import RedisServer


def _cluster_port() -> int:
    """A free port whose cluster bus port (port + 10000) is free too: ephemeral ports are
    often above 55535, where the bus port would not exist."""
    for _ in range(200):
        port = random.randrange(20_000, 30_000)
        if is_free(port) and is_free(port + 10_000):
            return port
    raise RuntimeError("no free port pair for a cluster node")


def _ok(info: object) -> bool:
    # redis-py parses CLUSTER INFO into a dict; older versions hand back the raw text.
    if isinstance(info, dict):
        return str(info.get("cluster_state")) == "ok"
    return b"cluster_state:ok" in info if isinstance(info, bytes) else False


class RedisCluster:
    """Three primaries; with `replicas=1` a replica each, which takes over its primary's
    slots `node_timeout_ms` after the primary is lost."""

    def __init__(self, replicas: int = 0, node_timeout_ms: int = 2000) -> None:
        self.replicas = replicas
        self.node_timeout_ms = node_timeout_ms
        self.nodes: list[RedisServer] = []
        for _ in range(3 * (1 + replicas)):
            port = _cluster_port()
            while any(node.port == port for node in self.nodes):
                port = _cluster_port()
            self.nodes.append(RedisServer(port))

    @property
    def addresses(self) -> list[str]:
        return [f"127.0.0.1:{node.port}" for node in self.nodes]

    def node_args(self, node: RedisServer) -> list[str]:
        """A node's redis-server arguments (the same when a killed node starts again)."""
        return [
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            str(node.dir / "nodes.conf"),
            "--cluster-node-timeout",
            str(self.node_timeout_ms),
            # Replicas sync at once: one that never synced cannot take over.
            "--repl-diskless-sync-delay",
            "0",
        ]

    def start(self) -> None:
        for node in self.nodes:
            self.restart(node)
        cli = shutil.which("redis-cli")
        if cli is None:
            raise RuntimeError("redis-cli is not installed (it comes with redis-server)")
        subprocess.run(  # noqa: S603 - fixed arguments
            [
                cli,
                "--cluster",
                "create",
                *self.addresses,
                "--cluster-replicas",
                str(self.replicas),
                "--cluster-yes",
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
        client = redis.Redis(port=self.nodes[0].port)
        deadline = time.monotonic() + 20
        while not _ok(client.execute_command("CLUSTER INFO")):  # type: ignore[no-untyped-call]
            if time.monotonic() > deadline:
                raise RuntimeError("the cluster did not come up")
            # The nodes gossip their way to "ok"; there is nothing to wait on but asking.
            time.sleep(0.05)
        client.close()
        if self.replicas:
            self.until_replicated()

    def restart(self, node: RedisServer) -> None:
        """Start one node as a member of this cluster: on its first start, or after a
        kill (its nodes.conf brings it back, as a replica once another took over)."""
        node.start(*self.node_args(node))

    def primaries(self) -> list[RedisServer]:
        """The live nodes that are primaries now, in the order of `nodes`."""
        return [n for n in self.nodes if n.alive and n.replication().get("role") == "master"]

    def until_ok(self, seconds: float = 30) -> None:
        """Until every live node says the cluster is ok (after a failover, say)."""
        deadline = time.monotonic() + seconds
        for node in self.nodes:
            if not node.running:
                continue
            client = redis.Redis(port=node.port, socket_timeout=1)
            try:
                while not _ok(client.execute_command("CLUSTER INFO")):  # type: ignore[no-untyped-call]
                    if time.monotonic() > deadline:
                        raise RuntimeError("the cluster did not recover")
                    time.sleep(0.05)
            finally:
                client.close()

    def until_replicated(self, seconds: float = 30) -> None:
        """Until every replica has synced with its primary (one that has not cannot take
        over)."""
        deadline = time.monotonic() + seconds
        for node in self.nodes:
            client = redis.Redis(port=node.port, socket_timeout=1)
            try:
                while True:
                    info = client.info("replication")
                    if info.get("role") == "master" or info.get("master_link_status") == "up":
                        break
                    if time.monotonic() > deadline:
                        raise RuntimeError("the replicas did not sync")
                    time.sleep(0.05)
            finally:
                client.close()

    def primary_of(self, key: str) -> RedisServer:
        """The node serving the key's slot now."""
        client = redis.RedisCluster(
            host="127.0.0.1", port=next(n.port for n in self.nodes if n.running)
        )
        try:
            port = client.get_node_from_key(key).port  # type: ignore[no-untyped-call]
        finally:
            client.close()
        return next(node for node in self.nodes if node.port == int(port))

    def cleanup(self) -> None:
        for node in self.nodes:
            node.cleanup()
