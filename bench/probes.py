"""Readings taken around a scenario: gateway CPU and memory, backend calls, cache lookups.

- CPU: user + system time of every gateway process (the uvicorn master and all it
  spawned), from psutil; a delta over a scenario divided by its requests is the gateway's
  CPU per request, whatever the number of workers.
- Memory: the resident set of each worker, sampled every 0.5 s by a thread.
- Backend calls: the simulators' ``GET /admin/requests`` counters (every non-admin route).
- Cache: ``tgw_balance_cache_total`` by result from the gateway's ``/metrics`` listener
  (summed over the workers by prometheus-client's multiprocess mode).
- Other load: the machine's busy CPU minus that of every process of the bench, in cores:
  the machine is shared, and a neighbour's CPU would otherwise pass unseen as slowness.
- Gateway warnings: what its log gained during the scenario (Redis trouble, breakers).
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psutil

SAMPLE_EVERY_S = 0.5
_CACHE_LINE = re.compile(r'^tgw_balance_cache_total\{result="(\w+)"\}\s+([0-9.eE+-]+)$')
MB = 1024 * 1024


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores, everyone's processes)."""
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def machine_busy(seconds: float = 2.0) -> float:
    """Cores busy over the next ``seconds`` (before the bench starts: other people's)."""
    before = busy_seconds()
    time.sleep(seconds)
    return (busy_seconds() - before) / seconds


def wait_for_quiet(limit_cores: float, timeout: float) -> float:
    """Wait (up to ``timeout`` seconds) until the machine is busier than ``limit_cores``
    no more; returns the last reading."""
    deadline = time.monotonic() + timeout
    busy = machine_busy()
    while busy > limit_cores and time.monotonic() < deadline:
        busy = machine_busy(5.0)
    return busy


def pids_cpu(pids: list[int]) -> float:
    processes = []
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            processes.append(psutil.Process(pid))
    return cpu_seconds(processes)


class LogWatch:
    """The lines a log file gained since ``mark()``, counted by message (numbers blanked,
    so one kind of warning is one entry)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def mark(self) -> None:
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def since(self) -> Counter[str]:
        if not self.path.exists():
            return Counter()
        with self.path.open("rb") as log:
            log.seek(self.offset)
            text = log.read().decode(errors="replace")
        return Counter(re.sub(r"\d+", "N", line.strip())[:120] for line in text.splitlines())


def open_breakers(gateway_url: str, polls: int = 6) -> set[str]:
    """The breakers some worker reports open. Each poll is a new connection, so it
    reaches any worker (each has its own breakers)."""
    found: set[str] = set()
    for _ in range(polls):
        with contextlib.suppress(OSError, ValueError):
            health = _get_json(f"{gateway_url}/healthz")
            if isinstance(health, dict):
                breakers = health.get("breakers") or {}
                found |= {name for name, state in breakers.items() if state == "open"}
    return found


def _get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - loopback
        return json.loads(answer.read())


def backend_requests(urls: Mapping[str, str]) -> dict[str, int]:
    """Requests the simulators have counted so far, by ``"<backend> <METHOD> <route>"``
    (admin routes are not counted by the simulators)."""
    counts: dict[str, int] = {}
    for name, url in urls.items():
        routes = _get_json(f"{url}/admin/requests")
        assert isinstance(routes, dict)
        for route, n in routes.items():
            # /openapi.json is what the gateway's /readyz probes: no request's call.
            if "openapi" not in route:
                counts[f"{name} {route}"] = int(n)
    return counts


def delta(after: Mapping[str, float], before: Mapping[str, float]) -> dict[str, float]:
    return {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}


def cache_lookups(metrics_url: str) -> dict[str, float]:
    """From the gateway's metrics listener (TGW_METRICS_LISTEN), not its API port."""
    with urllib.request.urlopen(f"{metrics_url}/metrics", timeout=5) as answer:  # noqa: S310
        text = answer.read().decode()
    found: dict[str, float] = {}
    for line in text.splitlines():
        match = _CACHE_LINE.match(line)
        if match:
            found[match.group(1)] = found.get(match.group(1), 0.0) + float(match.group(2))
    return found


@dataclass
class RssSampler:
    """Samples each worker's RSS every 0.5 s in a thread until stopped.

    ``workers`` is called at each sample, so restarted or late workers are seen too.
    """

    workers: Callable[[], list[psutil.Process]]
    peak: dict[int, int] = field(default_factory=dict)
    last: dict[int, int] = field(default_factory=dict)
    series: list[tuple[float, dict[int, int]]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> RssSampler:
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample()

    def _run(self) -> None:
        started = time.monotonic()
        while not self._stop.wait(SAMPLE_EVERY_S):
            self._sample(time.monotonic() - started)

    def _sample(self, at: float | None = None) -> None:
        now: dict[int, int] = {}
        for process in self.workers():
            with contextlib.suppress(psutil.Error):
                now[process.pid] = process.memory_info().rss
        for pid, rss in now.items():
            self.peak[pid] = max(self.peak.get(pid, 0), rss)
        self.last = now
        if at is not None:
            self.series.append((at, now))

    @property
    def peak_mb(self) -> float:
        return max(self.peak.values(), default=0) / MB

    @property
    def last_mb(self) -> dict[int, float]:
        return {pid: rss / MB for pid, rss in self.last.items()}
