"""The one launcher of a throwaway redis-server (no persistence) on a loopback port, that
can be stopped and started again on the same port: the tests' own servers (conftest's
when REDIS_URL does not answer, the restart, cluster and Sentinel tests), the bench's, and
`scripts/with-redis.sh`'s (`python -m tests.harness.redis_server COMMAND...` runs a
command with REDIS_URL at one) are all this one. A Redis of the caller's (REDIS_URL that
answers) is never touched."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

from tests.harness.network import free_port


def answers(url: str) -> bool:
    """Whether a Redis at `url` answers PING now."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
        return True
    except (redis.RedisError, OSError):
        return False


class RedisStartError(RuntimeError):
    """redis-server did not answer in time, or exited while starting; the message
    carries the end of its log."""


class RedisServer:
    def __init__(self, port: int | None = None, directory: Path | None = None) -> None:
        binary = os.environ.get("REDIS_SERVER_BIN") or shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (make test installs it)")
        self.binary = binary
        self.port = port or free_port()
        if directory is None:
            self.dir = Path(tempfile.mkdtemp(prefix="tgw-redis-"))
        else:
            directory.mkdir(parents=True, exist_ok=True)
            self.dir = directory
        # Its output, kept so that a server that does not come up says why.
        self.log_path = self.dir / "redis.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._process is not None

    @property
    def alive(self) -> bool:
        """Started and not exited (a SIGKILL from outside makes it not alive)."""
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("redis-server is not running")
        return self._process.pid

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, *extra: str, timeout: float = 10.0) -> None:
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(  # noqa: S603 - a fixed binary and arguments
                [
                    self.binary,
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.dir),
                    *extra,
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own session: a Ctrl-C in the terminal reaches only the runner (the
                # tests, the bench), which stops it by its PID, never it first.
                start_new_session=True,
            )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError as exc:
                    if not self.alive or time.monotonic() > deadline:
                        raise RedisStartError(
                            f"redis-server on port {self.port} did not start:\n{self.tail()}"
                        ) from exc
                    # Polling a starting process: there is no event to wait on.
                    time.sleep(0.02)
        finally:
            client.close()

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def replication(self) -> dict[str, object]:
        """INFO replication: its role, and a replica's link to its primary."""
        client = redis.Redis(port=self.port, socket_timeout=2)
        try:
            return dict(client.info("replication"))
        finally:
            client.close()

    def flush(self) -> None:
        """Every key gone: the next reads find nothing cached."""
        client = redis.Redis(port=self.port)
        try:
            client.flushall()
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL: the node is lost as a machine would be, no goodbye to its peers."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None

    def pause(self) -> None:
        """SIGSTOP: a stall; connections stay open and nothing answers."""
        if self._process is not None:
            self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self._process is not None:
            self.resume()  # a stopped process would not handle SIGTERM
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=5)
            self._process = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def run_with_redis(command: list[str]) -> int:
    """Run `command` with REDIS_URL at a Redis that answers: the caller's, or a throwaway
    server stopped when the command ends. Returns the command's exit status."""
    given = os.environ.get("REDIS_URL")
    if given and answers(given):
        return _run(command, given)
    server = RedisServer()
    try:
        server.start()
        print(f"with-redis: using a throwaway redis-server at {server.url}", file=sys.stderr)
        return _run(command, server.url)
    finally:
        server.cleanup()


def _run(command: list[str], redis_url: str) -> int:
    child = subprocess.Popen(command, env={**os.environ, "REDIS_URL": redis_url})  # noqa: S603
    # A Ctrl-C reaches the command from the terminal itself: it ends in its own time
    # (pytest runs its clean-ups), and only then is the server stopped. A SIGTERM to us
    # is passed on to it, and the same follows.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: child.terminate())
    status = child.wait()
    return 128 - status if status < 0 else status


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python -m tests.harness.redis_server COMMAND [ARG...]")
    try:
        sys.exit(run_with_redis(sys.argv[1:]))
    except RedisStartError as exc:
        sys.exit(f"with-redis: {exc}")
