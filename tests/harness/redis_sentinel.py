"""A Redis primary, its replica and one Sentinel watching them (`redis-server --sentinel`,
the same binary), on loopback ports, for the Sentinel tests."""

from __future__ import annotations

import subprocess
import time

import redis

from tests.harness.network import free_port
from tests.harness.redis_server import RedisServer

SERVICE = "mymaster"


class RedisSentinel:
    def __init__(self) -> None:
        self.primary = RedisServer()
        self.replica = RedisServer()
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def addresses(self) -> list[str]:
        return [f"127.0.0.1:{self.port}"]

    def start(self) -> None:
        self.primary.start("--repl-diskless-sync-delay", "0")
        self.replica.start("--replicaof", "127.0.0.1", str(self.primary.port))
        _until(lambda: self.replica.replication().get("master_link_status") == "up", "replica sync")
        config = self.primary.dir / "sentinel.conf"
        config.write_text(
            f"port {self.port}\n"
            "bind 127.0.0.1\n"
            f"dir {self.primary.dir}\n"
            f"sentinel monitor {SERVICE} 127.0.0.1 {self.primary.port} 1\n"
            f"sentinel down-after-milliseconds {SERVICE} 1000\n"
            f"sentinel failover-timeout {SERVICE} 5000\n"
        )
        self._process = subprocess.Popen(  # noqa: S603 - a fixed binary and arguments
            [self.primary.binary, str(config), "--sentinel"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Until the Sentinel knows the replica (it has to, to promote it).
        _until(lambda: len(self._ask("SENTINEL", "REPLICAS", SERVICE)) >= 1, "sentinel up")

    def primary_port(self) -> int:
        host_port = self._ask("SENTINEL", "GET-MASTER-ADDR-BY-NAME", SERVICE)
        port = host_port[1]
        return int(port) if isinstance(port, (bytes, str, int)) else 0

    def _ask(self, *command: str) -> list[object]:
        client = redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)
        try:
            answer = client.execute_command(*command)  # type: ignore[no-untyped-call]
        except redis.ConnectionError:
            return []
        finally:
            client.close()
        return list(answer or [])

    def cleanup(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None
        self.replica.cleanup()
        self.primary.cleanup()


def _until(condition: object, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        # Processes of their own: nothing to wait on but asking again.
        time.sleep(0.05)
