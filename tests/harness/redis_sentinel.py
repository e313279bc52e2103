"""A Redis primary, its replicas and the Sentinels watching them (`redis-server --sentinel`,
the same binary), on loopback ports, for the Sentinel tests and `make failover`."""

from __future__ import annotations

import subprocess
import time

import redis

from tests.harness.network import free_port
from tests.harness.redis_server import RedisServer

SERVICE = "mymaster"


class RedisSentinel:
    """`replicas` replicas of one primary and `sentinels` Sentinels agreeing by majority.

    A Sentinel calls the primary down after `down_after_ms` without an answer; with a
    majority agreeing, one of them promotes a replica. `failover_timeout_ms` bounds a
    failover attempt (and is twice the pause before another attempt)."""

    def __init__(
        self,
        replicas: int = 1,
        sentinels: int = 1,
        down_after_ms: int = 1000,
        failover_timeout_ms: int = 5000,
    ) -> None:
        self.primary = RedisServer()
        self.replicas = [RedisServer() for _ in range(replicas)]
        self.down_after_ms = down_after_ms
        self.failover_timeout_ms = failover_timeout_ms
        self.ports = [free_port() for _ in range(sentinels)]
        self._processes: list[subprocess.Popen[bytes]] = []

    @property
    def replica(self) -> RedisServer:
        return self.replicas[0]

    @property
    def servers(self) -> list[RedisServer]:
        return [self.primary, *self.replicas]

    @property
    def port(self) -> int:
        return self.ports[0]

    @property
    def addresses(self) -> list[str]:
        return [f"127.0.0.1:{port}" for port in self.ports]

    @property
    def quorum(self) -> int:
        return len(self.ports) // 2 + 1

    def start(self) -> None:
        self.primary.start("--repl-diskless-sync-delay", "0")
        for replica in self.replicas:
            primary = ("127.0.0.1", str(self.primary.port))
            replica.start("--replicaof", *primary, "--repl-diskless-sync-delay", "0")
        for replica in self.replicas:
            _until(
                lambda r=replica: r.replication().get("master_link_status") == "up", "replica sync"
            )
        for index, port in enumerate(self.ports):
            config = self.primary.dir / f"sentinel-{index}.conf"
            config.write_text(
                f"port {port}\n"
                "bind 127.0.0.1\n"
                f"dir {self.primary.dir}\n"
                f"sentinel monitor {SERVICE} 127.0.0.1 {self.primary.port} {self.quorum}\n"
                f"sentinel down-after-milliseconds {SERVICE} {self.down_after_ms}\n"
                f"sentinel failover-timeout {SERVICE} {self.failover_timeout_ms}\n"
            )
            self._processes.append(
                subprocess.Popen(  # noqa: S603 - a fixed binary and arguments
                    [self.primary.binary, str(config), "--sentinel"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        # Until each Sentinel knows the replicas (it has to, to promote one) and the other
        # Sentinels (a failover needs a majority's votes).
        for port in self.ports:
            _until(
                lambda p=port: (
                    len(_ask(p, "SENTINEL", "REPLICAS", SERVICE)) >= len(self.replicas)
                    and len(_ask(p, "SENTINEL", "SENTINELS", SERVICE)) >= len(self.ports) - 1
                ),
                "sentinels up",
            )

    def primary_port(self) -> int:
        """The primary's port as the first Sentinel names it now (0: no answer)."""
        return self.primary_port_of(self.port)

    def primary_port_of(self, sentinel_port: int) -> int:
        """The primary's port as one Sentinel names it now (0: no answer)."""
        host_port = _ask(sentinel_port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", SERVICE)
        port = host_port[1] if len(host_port) > 1 else 0
        return int(port) if isinstance(port, (bytes, str, int)) else 0

    def current_primary(self, seconds: float = 30) -> RedisServer:
        """The server every Sentinel names as the primary (waited for: after a failover
        the one that led it switches first, the others learn it a moment later)."""
        named: set[int] = set()

        def agreed() -> bool:
            named.clear()
            named.update(self.primary_port_of(port) for port in self.ports)
            return len(named) == 1 and 0 not in named

        _until(agreed, "the Sentinels agreeing on the primary", seconds)
        port = named.pop()
        return next(server for server in self.servers if server.port == port)

    def until_replica(self, server: RedisServer, seconds: float = 60) -> None:
        """Until `server` replicates, in sync, from the primary the first Sentinel names."""

        def replicating() -> bool:
            info = server.replication()
            return (
                info.get("role") == "slave"
                and int(str(info.get("master_port", 0))) == self.primary_port()
                and info.get("master_link_status") == "up"
            )

        _until(replicating, "a replica in sync", seconds)

    def cleanup(self) -> None:
        for process in self._processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
        self._processes = []
        for server in self.servers:
            server.cleanup()


def _ask(port: int, *command: str) -> list[object]:
    client = redis.Redis(port=port, socket_timeout=1, socket_connect_timeout=1)
    try:
        answer = client.execute_command(*command)  # type: ignore[no-untyped-call]
    except redis.RedisError:
        return []
    finally:
        client.close()
    return list(answer or [])


def _until(condition: object, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        # Processes of their own: nothing to wait on but asking again.
        time.sleep(0.05)
