"""Starting and stopping the bench's processes: five simulators and the gateway (its
redis-server is the tests' launcher, tests/harness/redis_server.py).

Each is its own OS process in its own session, so that

- the gateway's CPU and memory can be read per process without the backends' or the load
  generator's mixed in;
- a Ctrl-C in the terminal reaches only the bench, which then stops every child by PID
  (children never see the signal first and die in random order).

Output goes to one log file per process in the run's work directory; when a process
dies early its last lines are shown.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import psutil

from tests.harness.network import free_port

# The repository root: bench/ lives directly under it.
REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# The simulators the runner starts (backends/runner.py); support is optional so that the
# bench still runs on a tree without it.
BACKENDS = ("billing", "provisioning", "sms", "loyalty", "support")
# Rate limits and login throttles are meant for people, not for a load generator that
# speaks from one address with a few thousand numbers: raised so that the bench measures
# the gateway's work (the counting in Redis still happens) instead of 429s.
UNLIMITED = str(1_000_000_000)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Ignore Ctrl-C and SIGTERM while stopping children: a second signal in the middle
    of the clean-up would otherwise leave the rest of them running."""
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class Stoppable(Protocol):
    def stop(self) -> None: ...


def stop_all(*parts: Stoppable | None) -> None:
    """The end of a run: each part stopped in the order given (None: never started), with
    Ctrl-C and SIGTERM held off until the last is down."""
    with signals_held():
        for part in parts:
            if part is not None:
                part.stop()


def wait_with_usage(process: subprocess.Popen[bytes], timeout: float) -> float:
    """Wait for a child and return its user + system CPU seconds.

    ``os.wait4`` rather than ``Popen.wait``: the kernel's rusage of the child is exact,
    where sampling /proc would miss its last moments. Killed (by PID) after ``timeout``.
    """
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid == process.pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return float(usage.ru_utime + usage.ru_stime)
        if time.monotonic() > deadline:
            os.kill(process.pid, signal.SIGKILL)
            deadline = float("inf")
        time.sleep(0.05)


class StartError(RuntimeError):
    """A process did not come up; the message carries the end of its log."""


def http_ok(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 - loopback
            return 200 <= int(answer.status) < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


class ManagedProcess:
    """One child process with its log file; stopped by its PID (and its own group)."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        log_path: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError(f"{self.name} is not running")
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        log = self.log_path.open("ab")
        try:
            self._process = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,
            )
        finally:
            log.close()

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, then SIGKILL of whatever is left of its process tree (by PID)."""
        process = self._process
        if process is None:
            return
        self._process = None
        try:
            tree = psutil.Process(process.pid).children(recursive=True)
        except psutil.Error:
            tree = []
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        # uvicorn's workers and multiprocessing's resource tracker normally exit with
        # their parent; any that did not are ended by their own PID.
        _, left = psutil.wait_procs(tree, timeout=5)
        for child in left:
            with contextlib.suppress(psutil.Error):
                child.kill()

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_until(self, ready: str, timeout: float) -> None:
        """Poll ``ready`` (a URL answering 2xx when the process is up)."""
        deadline = time.monotonic() + timeout
        while not http_ok(ready):
            if not self.alive:
                raise StartError(f"{self.name} exited while starting:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise StartError(f"{self.name} not ready after {timeout:.0f} s:\n{self.tail()}")
            # Polling a starting process: there is no event to wait on.
            time.sleep(0.1)


@dataclass(frozen=True)
class StackOptions:
    """What the simulators serve and how the gateway is configured."""

    size: int
    latency_ms: float
    secret: str
    seed: int = 42
    jitter_ms: float = 0.0
    # Set: the backends sign hub events with it (the failover run's live subscriptions).
    hub_secret: str | None = None
    # Set: the gateway's TGW_EXECUTOR ("plan" or "graphql-core") and TGW_ANSWER_TTL
    # (0: every screen executed), for before/after runs of compiled plans (issue #14).
    executor: str | None = None
    answer_ttl: float | None = None


@dataclass
class Backends:
    """The simulators, one process each, by name."""

    processes: dict[str, ManagedProcess] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()


def start_backends(options: StackOptions, workdir: Path, timeout: float = 120.0) -> Backends:
    """Start the five simulators on free ports, wired to their peers, and wait for them."""
    names = [n for n in BACKENDS if (REPO / "backends" / n / "__main__.py").exists()]
    ports = {name: free_port() for name in names}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    backends = Backends(urls=urls)
    try:
        for name in names:
            argv = [
                PYTHON,
                "-m",
                f"backends.{name}",
                "--port",
                str(ports[name]),
                "--size",
                str(options.size),
                "--seed",
                str(options.seed),
                "--latency-ms",
                str(options.latency_ms),
                "--jitter-ms",
                str(options.jitter_ms),
            ]
            # Orders and statements complete inside the POST: the bench has no one to
            # walk them through their states.
            if name in ("billing", "provisioning"):
                argv += ["--order-step-ms", "0"]
            if name == "billing" and "sms" in urls:
                argv += ["--sms-url", urls["sms"]]
            if name == "provisioning":
                argv += ["--billing-url", urls["billing"]]
            if options.hub_secret and name in ("billing", "provisioning", "loyalty", "support"):
                argv += ["--hub-secret", options.hub_secret]
            process = ManagedProcess(name, argv, workdir / f"{name}.log", cwd=REPO)
            process.start()
            backends.processes[name] = process
        # Each builds the same world from (size, seed); they do it in parallel.
        for name, process in backends.processes.items():
            process.wait_until(f"{urls[name]}/admin/health", timeout)
    except BaseException:
        backends.stop()
        raise
    return backends


def gateway_env(
    options: StackOptions, backends: Backends, redis_url: str, workdir: Path, workers: int
) -> dict[str, str]:
    """The environment of ``serve``: the bench's backends and Redis, load-friendly logs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TGW_")}
    env.pop("REDIS_URL", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(
        TGW_JWT_SECRET=options.secret,
        TGW_BILLING_URL=backends.urls["billing"],
        TGW_PROVISIONING_URL=backends.urls["provisioning"],
        TGW_SMS_URL=backends.urls["sms"],
        TGW_LOYALTY_URL=backends.urls["loyalty"],
        REDIS_URL=redis_url,
        # One JSON line per request would be a good share of the CPU measured.
        TGW_ACCESS_LOG="false",
        TGW_LOG_LEVEL="WARNING",
        TGW_AUDIT_LOG=str(workdir / "audit.jsonl"),
        TGW_RATE_PER_SUBSCRIBER=UNLIMITED,
        TGW_RATE_PER_AGENT=UNLIMITED,
        TGW_RATE_PER_CLIENT=UNLIMITED,
        TGW_PASSWORD_LOGINS_PER_NUMBER_PER_HOUR=UNLIMITED,
        TGW_PASSWORD_LOGINS_PER_CLIENT_PER_HOUR=UNLIMITED,
        TGW_CODE_LOGINS_PER_CLIENT_PER_HOUR=UNLIMITED,
    )
    if "support" in backends.urls:
        env["TGW_SUPPORT_URL"] = backends.urls["support"]
    # The gateway runs in the work directory: without this it would import whatever
    # checkout the venv has installed, not the one being measured (a git worktree).
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    if options.executor is not None:
        env["TGW_EXECUTOR"] = options.executor
    if options.answer_ttl is not None:
        env["TGW_ANSWER_TTL"] = f"{options.answer_ttl:g}"
    if workers > 1:
        # What `serve` would do itself, but inside the run's directory (removed at the end).
        metrics = workdir / f"metrics-{time.monotonic_ns()}"
        metrics.mkdir()
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
    return env


class Gateway:
    """``python -m gateway serve --workers N`` and its worker processes."""

    def __init__(self, workers: int, env: Mapping[str, str], workdir: Path) -> None:
        self.workers = workers
        self.port = free_port()
        # /metrics is served on a listener of its own (gateway/scrape.py).
        self.metrics_port = free_port()
        env = {**env, "TGW_METRICS_LISTEN": f"127.0.0.1:{self.metrics_port}"}
        argv = [PYTHON, "-m", "gateway", "serve", "--workers", str(workers)]
        argv += ["--host", "127.0.0.1", "--port", str(self.port)]
        # Started outside the repository so that no stray .env there changes a setting.
        self.process = ManagedProcess(
            f"gateway-{workers}w", argv, workdir / f"gateway-{workers}w.log", env, cwd=workdir
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.metrics_port}"

    def start(self, timeout: float = 60.0) -> None:
        self.process.start()
        self.process.wait_until(f"{self.url}/healthz", timeout)
        # /healthz answers as soon as one worker listens; wait for all of them.
        deadline = time.monotonic() + timeout
        while len(self.worker_processes()) < self.workers:
            if time.monotonic() > deadline:
                raise StartError(f"gateway workers did not all start:\n{self.process.tail()}")
            time.sleep(0.1)
        if not http_ok(f"{self.url}/readyz", timeout=5):
            raise StartError(f"gateway /readyz is not ready:\n{self.process.tail()}")

    def all_processes(self) -> list[psutil.Process]:
        """The master and everything under it: the CPU of all of them is the gateway's."""
        try:
            master = psutil.Process(self.process.pid)
            return [master, *master.children(recursive=True)]
        except psutil.Error:
            return []

    def worker_processes(self) -> list[psutil.Process]:
        """The processes serving requests: the master itself with one worker, else its
        spawned children (not multiprocessing's resource tracker)."""
        processes = self.all_processes()
        if self.workers == 1:
            return processes[:1]
        workers = []
        for process in processes[1:]:
            with contextlib.suppress(psutil.Error):
                cmdline = " ".join(process.cmdline())
                if "spawn_main" in cmdline and "resource_tracker" not in cmdline:
                    workers.append(process)
        return workers

    def stop(self) -> None:
        self.process.stop()
