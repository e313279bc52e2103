"""`serve --workers N`: N uvicorn processes, each with its own listening socket on the
same port (SO_REUSEPORT), so that the kernel spreads new connections evenly.

uvicorn's own supervisor has every worker accept from one shared socket: whichever
worker's loop wakes first takes the connection, and a burst of keep-alive connections
(a load balancer's pool, the benchmark's wrk) can land on one worker while the other
idles. The benchmark measured 9.4 s of CPU on one worker and 0.5 s on the other for the
same run (bench/RESULTS.md). With one socket per worker the kernel hashes each
connection to a worker instead.

The supervisor here restarts a worker that dies, forwards SIGTERM/SIGINT (each worker
then drains its requests, see `shutdown_grace`) and gives up when a worker exits by itself at
start-up (before its lifespan finished: a bad setting, a port in use) instead of
restarting it in a loop.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import signal
import socket
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event as EventType
from types import FrameType
from typing import cast

import uvicorn

from gateway.http_server import ConnectionLimits, ServerConfig
from gateway.logs import configure_logging

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ServeOptions:
    host: str
    port: int
    shutdown_grace: float
    backlog: int = 2048
    limits: ConnectionLimits = field(default_factory=ConnectionLimits)
    # Each worker is a spawned process: nothing of the supervisor's logging set-up
    # reaches it, so it configures its own the same way.
    log_level: str = "INFO"


def reuse_port_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    """A socket on host:port that other processes may bind too (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def uvicorn_config(options: ServeOptions) -> uvicorn.Config:
    return ServerConfig(
        "gateway.asgi:app_factory",
        options.limits,
        factory=True,
        host=options.host,
        port=options.port,
        loop="uvloop",
        log_level="warning",
        access_log=False,
        backlog=options.backlog,
        # On SIGTERM: stop accepting, let requests in flight finish (bounded), then the
        # lifespan closes the backend clients and Redis.
        timeout_graceful_shutdown=math.ceil(options.shutdown_grace),
    )


class _ReportingServer(uvicorn.Server):
    """A uvicorn server that tells the supervisor once it is up (lifespan done)."""

    def __init__(self, config: uvicorn.Config, ready: EventType) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._ready.set()


def run_worker(options: ServeOptions, ready: EventType) -> None:
    """One worker process: its own socket, one uvicorn server (which handles SIGTERM)."""
    configure_logging(options.log_level, as_json=True)
    sock = listening_socket(options.host, options.port, options.backlog)
    _ReportingServer(uvicorn_config(options), ready).run(sockets=[sock])


class Supervisor:
    def __init__(self, options: ServeOptions, workers: int) -> None:
        self._options = options
        self._count = workers
        self._context = multiprocessing.get_context("spawn")
        self._workers: dict[int, tuple[BaseProcess, EventType]] = {}
        self._stopping = False

    def run(self) -> int:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._stop)
        for slot in range(self._count):
            self._start(slot)
        failed = False
        while self._workers and not self._stopping:
            sentinels = {p.sentinel: slot for slot, (p, _) in self._workers.items()}
            for sentinel in wait(list(sentinels), timeout=1.0):
                slot = sentinels[cast(int, sentinel)]
                process, ready = self._workers.pop(slot)
                process.join()  # reap it
                if self._stopping:
                    continue
                # A worker that exits on its own before it is up has a setting or a port
                # wrong: restarting it would loop. One killed by a signal (the OOM killer,
                # an operator) is restarted like any other.
                if not ready.is_set() and (process.exitcode or 0) >= 0:
                    log.error("worker %s exited at start-up (code %s)", slot, process.exitcode)
                    failed = True
                    self._stopping = True
                    break
                log.warning("worker %s exited (code %s): restarting", slot, process.exitcode)
                self._start(slot)
        self._shut_down()
        return 1 if failed else 0

    def _start(self, slot: int) -> None:
        ready = self._context.Event()
        process = self._context.Process(
            target=run_worker, args=(self._options, ready), name=f"tgw-worker-{slot}"
        )
        process.start()
        self._workers[slot] = (process, ready)

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        self._stopping = True

    def _shut_down(self) -> None:
        running = [p for p, _ in self._workers.values() if p.is_alive()]
        for process in running:
            process.terminate()  # SIGTERM: the worker drains, then exits
        deadline = time.monotonic() + self._options.shutdown_grace + 5.0
        for process in running:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                log.error("worker %s did not stop in time: killed", process.name)
                process.kill()
                process.join()
