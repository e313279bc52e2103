"""``python -m bench --tail MINUTES``: the tail at half of peak, across expiries (#14).

Whole answers kept with short TTLs (answers `--tail-answer-ttl`, reads and balances
`--tail-read-ttl`), the home screens of 500 warm numbers:

1. peak: a closed-loop run as fast as wrk's connections go (home-warm);
2. the pause per connection that gives half of that rate, from short trial runs (as
   home-warm-half does);
3. a priming pass that writes every number's entries at once, as a deploy or a burst of
   first screens does: without early refresh they then expire together, every answer TTL
   and, together with the answers, every read TTL;
4. the hold: half of peak for MINUTES (at least three read TTLs), measured in windows of
   one answer TTL, each a wrk run of its own: p50/p99/max, errors, backend calls per
   request and the CPU other programs took meanwhile ("others' CPU": the machine is
   shared), and, sampled every second, the backend calls and the screens executed
   (kept-answer misses and recomputations): their peak second against the mean shows
   bunched expiries whatever the shared CPU does to the latencies.

Verdict: every window's p99 within the slowest backend's latency + 15 ms, and no errors
at all (socket errors, non-2xx, 5xx, answers with `errors`). The overall p99 of the hold
lies between the lowest and the highest window's p99 (a quantile of a mixture lies
between its parts'); the verdict uses the highest. The backends' latency is the one the
simulators are told (`--latency-ms`, no jitter), so the slowest backend is that.

`--refresh-ahead 0` turns early refresh off (the "before" run); `--gateway-code PATH`
runs the gateway from another checkout (main's code) with the same driver.
"""

from __future__ import annotations

import argparse
import itertools
import math
import re
import subprocess
import threading
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import report
from bench.probes import backend_requests
from bench.processes import (
    REPO,
    Gateway,
    StackOptions,
    gateway_env,
    signals_held,
    start_backends,
)
from bench.report import Row
from bench.scenarios import (
    CALIBRATE_SECONDS,
    CALIBRATION_ROUNDS,
    Bench,
    BenchOptions,
    new_secret,
)
from bench.subscribers import Minter
from bench.wrk import LoadResult
from tests.harness.redis_server import RedisServer

PEAK_SECONDS = 10.0
MARGIN_MS = 15.0
TOKEN_TTL = 6 * 3600


# Executions of a kept-answer screen: misses, and (with early refresh) recomputations.
_EXECUTED = re.compile(
    r'^tgw_(?:answer_cache_total\{result="miss"\}|cache_refresh_total\{cache="answer",'
    r'result="started"\}) ([0-9.e+]+)$'
)


def executed_answers(metrics_url: str) -> float:
    with urllib.request.urlopen(f"{metrics_url}/metrics", timeout=5) as answer:  # noqa: S310
        text = answer.read().decode()
    return sum(float(m.group(1)) for line in text.splitlines() if (m := _EXECUTED.match(line)))


@dataclass
class BurstSampler:
    """Every second, in a thread: the backend calls and executed screens so far. Bunched
    expiries show as seconds with many times the mean, whatever the CPU's noise."""

    backends: Mapping[str, str]
    metrics_url: str
    samples: list[tuple[float, int, float]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> BurstSampler:
        self._thread = threading.Thread(target=self._run, name="burst-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while True:
            try:
                calls = sum(backend_requests(self.backends).values())
                executed = executed_answers(self.metrics_url)
            except OSError:
                calls, executed = -1, -1.0
            self.samples.append((time.monotonic(), calls, executed))
            if self._stop.wait(1.0):
                return

    def per_second(self, start: float, end: float) -> tuple[list[float], list[float]]:
        """Backend calls and executed screens in each second between the moments."""
        inside = [s for s in self.samples if start <= s[0] <= end and s[1] >= 0]
        calls, executed = [], []
        for (t0, c0, e0), (t1, c1, e1) in itertools.pairwise(inside):
            calls.append((c1 - c0) / (t1 - t0))
            executed.append((e1 - e0) / (t1 - t0))
        return calls, executed


@dataclass(frozen=True)
class Window:
    index: int
    started_s: float  # since the priming pass
    row: Row
    max_ms: float
    calls_per_s: list[float]
    executed_per_s: list[float]

    @property
    def errors(self) -> int:
        return self.row.errors + self.row.server_errors + self.row.graphql_errors

    @staticmethod
    def peak_mean(values: list[float]) -> str:
        if not values:
            return "-"
        return f"{max(values):.0f} ({sum(values) / len(values):.0f})"


def _commit(code: Path) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(code), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()[:90]


def run_tail(args: argparse.Namespace, workdir: Path) -> int:
    code = Path(args.gateway_code).resolve() if args.gateway_code else REPO
    window_s = args.tail_answer_ttl
    longest = max(args.tail_answer_ttl, args.tail_read_ttl)
    hold_s = max(args.tail * 60, 3 * longest)
    windows_n = math.ceil(hold_s / window_s)
    stack = StackOptions(size=args.size, latency_ms=args.latency_ms, secret=new_secret())
    options = BenchOptions(
        workers=args.workers,
        duration=PEAK_SECONDS,
        latency_ms=args.latency_ms,
        size=args.size,
        connections=args.connections,
        scenarios=(),
        noisy_retries=0,
    )
    redis = RedisServer(directory=workdir / "redis")
    redis.start()
    backends = None
    bench: Bench | None = None
    try:
        backends = start_backends(stack, workdir)
        env = gateway_env(stack, backends, redis.url, workdir, args.workers)
        env.update(
            PYTHONPATH=str(code),
            TGW_ANSWER_TTL=f"{args.tail_answer_ttl:g}",
            TGW_READ_TTL=f"{args.tail_read_ttl:g}",
            TGW_BALANCE_TTL=f"{args.tail_read_ttl:g}",
            TGW_REFRESH_AHEAD=f"{args.refresh_ahead:g}",
        )
        running = Bench(options, stack, workdir, backends, redis, Minter(stack.secret, TOKEN_TTL))
        bench = running
        gateway = Gateway(args.workers, env, workdir)
        running.gateway = gateway
        gateway.start()
        print(
            f"tail: gateway code {code} ({_commit(code)}), {args.workers} workers, "
            f"{args.connections} connections, backends at {args.latency_ms:g} ms; answers "
            f"kept {args.tail_answer_ttl:g} s, reads and balances {args.tail_read_ttl:g} s, "
            f"refresh ahead {args.refresh_ahead:g}",
            flush=True,
        )
        peak = running.home_warm("tail-peak")
        target = peak.rps / 2
        print(f"peak {peak.rps:.0f} req/s (p99 {peak.p99_ms:.1f} ms); holding {target:.0f}")
        c = args.connections
        items = running.warm_items()
        think = max(0.0, 1000 * c / target - (args.latency_ms + 10))
        for _ in range(CALIBRATION_ROUNDS):
            trial = running.wrk_run("home-warm", items, CALIBRATE_SECONDS, c, think)
            answer_ms = 1000 * c / max(trial.rps, 1e-9) - think
            think = max(0.0, 1000 * c / target - answer_ms)
        running.prime("home-warm", items)
        primed = time.monotonic()
        windows: list[Window] = []
        print(
            "window  from-to s   req/s   p50 ms   p99 ms   max ms  errors  calls/req  "
            "calls/s peak (mean)  executed/s peak (mean)  others' CPU",
            flush=True,
        )
        with BurstSampler(backends.urls, gateway.metrics_url) as bursts:
            for index in range(windows_n):
                started = time.monotonic()
                ran: list[LoadResult] = []

                def load(ran: list[LoadResult] = ran) -> LoadResult:
                    result = running.wrk_run("home-warm", items, window_s, c, think)
                    ran.append(result)
                    return result

                row = running.measure(f"tail-{index + 1}", load, c)
                calls, executed = bursts.per_second(started, time.monotonic())
                window = Window(index + 1, started - primed, row, ran[0].max_ms, calls, executed)
                windows.append(window)
                print(
                    f"{window.index:>6}  {window.started_s:4.0f}-"
                    f"{window.started_s + row.duration_s:<4.0f}  {row.rps:6.0f}  "
                    f"{row.p50_ms:7.1f}  {row.p99_ms:7.1f}  {window.max_ms:7.1f}  "
                    f"{window.errors:6d}  {row.backend_calls:9.3f}  "
                    f"{Window.peak_mean(calls):>19}  {Window.peak_mean(executed):>22}  "
                    f"{row.other_cores:.2f} cores",
                    flush=True,
                )
        return finish(args, code, peak, target, think, windows)
    finally:
        with signals_held():
            if bench is not None:
                bench.stop_gateway()
            if backends is not None:
                backends.stop()
            redis.stop()


def finish(
    args: argparse.Namespace,
    code: Path,
    peak: Row,
    target: float,
    think: float,
    windows: list[Window],
) -> int:
    limit = args.latency_ms + MARGIN_MS
    p99s = [w.row.p99_ms for w in windows]
    p50s = [w.row.p50_ms for w in windows]
    requests = sum(w.row.requests for w in windows)
    seconds = sum(w.row.duration_s for w in windows)
    errors = sum(w.errors for w in windows)
    worst = max(windows, key=lambda w: w.row.p99_ms)
    verdicts = [
        report.Verdict(
            f"p99 at half of peak within the slowest backend + {MARGIN_MS:g} ms "
            f"({limit:g} ms), every window",
            f"highest window p99 {worst.row.p99_ms:.1f} ms (window {worst.index}); overall "
            f"p99 between {min(p99s):.1f} and {max(p99s):.1f} ms",
            max(p99s) <= limit,
        ),
        report.Verdict("no errors", f"{errors} in {requests} requests", errors == 0),
    ]
    others = [w.row.other_cores for w in windows]
    calls = [v for w in windows for v in w.calls_per_s]
    executed = [v for w in windows for v in w.executed_per_s]
    facts = [
        f"gateway code: {code} ({_commit(code)}); TGW_REFRESH_AHEAD={args.refresh_ahead:g}",
        f"peak (closed loop, {args.connections} connections, {PEAK_SECONDS:g} s): "
        f"{peak.rps:.0f} req/s, p99 {peak.p99_ms:.1f} ms",
        f"held: {requests / seconds:.0f} req/s ({100 * requests / seconds / peak.rps:.0f}% of "
        f"peak; target {target:.0f}, mean pause {think:.0f} ms per connection) for "
        f"{seconds:.0f} s = {seconds / args.tail_read_ttl:.1f} read TTLs, "
        f"{seconds / args.tail_answer_ttl:.1f} answer TTLs",
        f"overall p50 between {min(p50s):.1f} and {max(p50s):.1f} ms; p99 between "
        f"{min(p99s):.1f} and {max(p99s):.1f} ms; max {max(w.max_ms for w in windows):.1f} ms",
        f"slowest backend: {args.latency_ms:g} ms (the simulators' set latency, no jitter)",
        f"backend calls per second over the hold: peak {Window.peak_mean(calls)} mean; "
        f"screens executed per second (kept-answer misses and recomputations): peak "
        f"{Window.peak_mean(executed)} mean",
        f"others' CPU during the hold: {min(others):.2f}-{max(others):.2f} cores "
        f"(mean {sum(others) / len(others):.2f})",
    ]
    print("\n" + "\n".join(facts))
    print("\ntail verdicts:\n" + report.verdicts_text(verdicts))
    if not args.no_results:
        table = report.markdown_table(
            (
                "window",
                "from-to s",
                "req/s",
                "p50 ms",
                "p99 ms",
                "max ms",
                "errors",
                "backend calls/req",
                "others' CPU",
            ),
            [
                (
                    str(w.index),
                    f"{w.started_s:.0f}-{w.started_s + w.row.duration_s:.0f}",
                    f"{w.row.rps:.0f}",
                    f"{w.row.p50_ms:.1f}",
                    f"{w.row.p99_ms:.1f}",
                    f"{w.max_ms:.1f}",
                    str(w.errors),
                    f"{w.row.backend_calls:.3f}",
                    Window.peak_mean(w.calls_per_s),
                    Window.peak_mean(w.executed_per_s),
                    f"{w.row.other_cores:.2f}",
                )
                for w in windows
            ],
        )
        parts = [
            f"### Tail run: {args.tail_label}",
            f"`python -m bench --tail {args.tail:g} --refresh-ahead {args.refresh_ahead:g}"
            + (f" --gateway-code {args.gateway_code}" if args.gateway_code else "")
            + f"`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {args.workers} workers, "
            f"{args.size} subscribers, 500 warm numbers, answers kept "
            f"{args.tail_answer_ttl:g} s, reads and balances {args.tail_read_ttl:g} s.",
            report.facts_markdown(report.machine_facts()),
            f"- CPU busy with other programs just before the start: {args.busy_before:.2f} cores",
            "\n".join(f"- {f}" for f in facts),
            table,
            report.verdicts_markdown(verdicts),
        ]
        report.write_section(f"tail-{args.tail_label}", "\n\n".join(parts))
        print(f"wrote {report.RESULTS}")
    return 0 if all(v.passed for v in verdicts) else 1
