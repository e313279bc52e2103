"""The scenarios of the default run, and how one is measured.

``Bench`` owns the running stack (simulators, Redis, the gateway) and the subscribers'
tokens. ``measure`` wraps any load run with the readings of ``probes`` so that every row
of the table is taken the same way: CPU of the gateway, backend counters and cache
counters read before and after, worker memory sampled during.

| scenario | what |
|---|---|
| home-cold | the home screen for numbers of the whole data set, each once, Redis flushed first |
| home-warm | the home screen for 500 numbers, after a priming pass: balances come from Redis |
| home-warm-half | the same at about half of home-warm's rate (wrk ``delay()``), for latency |
| dashboard | an agent's ``subscribers(msisdns:)`` of 50 random numbers |
| home-batched | the home screen as a batch of six small operations (one JSON array) |
| mix | log in by password, read the home screen, top up with a fresh idempotency key |
| naive | the same data as home-cold fetched by a client from the backends, 8 calls in a row |
| home-warm-1w | home-warm against a gateway of one worker (scaling) |
"""

from __future__ import annotations

import json
import os
import random
import secrets
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench import queries, wrk
from bench.probes import (
    LogWatch,
    RssSampler,
    backend_requests,
    busy_seconds,
    cache_lookups,
    cpu_seconds,
    delta,
    open_breakers,
    pids_cpu,
    wait_for_quiet,
)
from bench.processes import (
    PYTHON,
    REPO,
    Backends,
    Gateway,
    StackOptions,
    gateway_env,
    wait_with_usage,
)
from bench.report import Row
from bench.subscribers import Minter, Subscriber, numbers, password, subscribers
from bench.wrk import LoadResult, Step
from tests.harness.redis_server import RedisServer

ALL_SCENARIOS = (
    "home-cold",
    "home-warm",
    "home-warm-half",
    "floor",
    "home-executed",
    "dashboard",
    "dashboard-warm",
    "home-batched",
    "top-up",
    "mix",
    "naive",
    "home-warm-1w",
)
WARM_NUMBERS = 500
DASHBOARD_NUMBERS = 50
DASHBOARD_BODIES = 200
PRIME_LIMIT_S = 60.0  # a bound: a priming pass ends after one walk over its items
CALIBRATION_ROUNDS = 3
CALIBRATE_SECONDS = 4.0
JSON_HEADERS = {"Content-Type": "application/json"}
NOISY_CORES = 0.3  # other programs' CPU above which a run is taken again
QUIET_WAIT_S = 30.0
BREAKER_WAIT_S = 20.0  # the gateway's breakers stay open 10 s (TGW_BREAKER_OPEN_SECONDS)
RETRY_BUDGET_S = 150.0  # from the start of the scenarios: no re-run starts after it


@dataclass(frozen=True)
class BenchOptions:
    workers: int
    duration: float
    latency_ms: float
    size: int
    connections: int
    scenarios: tuple[str, ...]
    noisy_retries: int = 2
    seed: int = 42
    # Rounds of the floor and the scenarios measured against it, one after the other
    # (`run_scenarios`): each ratio is then of two measurements seconds apart.
    ratio_rounds: int = 1


def bearer(token: str) -> dict[str, str]:
    return {**JSON_HEADERS, "Authorization": f"Bearer {token}"}


@dataclass
class Bench:
    """The running stack and what the scenarios share."""

    options: BenchOptions
    stack: StackOptions
    workdir: Path
    backends: Backends
    redis: RedisServer
    minter: Minter
    gateway: Gateway | None = None
    rows: dict[str, Row] = field(default_factory=dict)
    rss_after_warmup: dict[int, float] = field(default_factory=dict)
    rss_at_end: dict[int, float] = field(default_factory=dict)
    # Per round of `ratio_rounds`: gw CPU ms/req of the floor and the scenarios against it.
    ratio_rounds: list[dict[str, float]] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    # No re-runs of noisy scenarios after this (monotonic): the run stays bounded.
    retry_deadline: float = field(default_factory=lambda: time.monotonic() + RETRY_BUDGET_S)
    _cold: list[Subscriber] = field(default_factory=list)
    _warm: list[Subscriber] = field(default_factory=list)

    # -- the stack ------------------------------------------------------------------

    def start_gateway(self, workers: int) -> Gateway:
        self.stop_gateway()
        env = gateway_env(self.stack, self.backends, self.redis.url, self.workdir, workers)
        gateway = Gateway(workers, env, self.workdir)
        self.gateway = gateway
        gateway.start()
        return gateway

    def stop_gateway(self) -> None:
        if self.gateway is not None:
            self.gateway.stop()
            self.gateway = None

    def _gw(self) -> Gateway:
        if self.gateway is None:
            raise RuntimeError("the gateway is not running")
        return self.gateway

    # -- who asks -------------------------------------------------------------------

    def cold(self) -> list[Subscriber]:
        """Every number of the data set but index 0, in a random order."""
        if not self._cold:
            chosen = numbers(self.options.size, self.options.size, self.rng)
            self._cold = subscribers(self.minter, chosen)
        return self._cold

    def warm(self) -> list[Subscriber]:
        if not self._warm:
            chosen = numbers(self.options.size, WARM_NUMBERS, self.rng)
            self._warm = subscribers(self.minter, chosen)
        return self._warm

    # -- measuring ------------------------------------------------------------------

    def measure(
        self,
        name: str,
        load: Callable[[], LoadResult],
        connections: int,
        note: str = "",
        gateway_cost: bool = True,
    ) -> Row:
        gateway = self._gw()
        processes = gateway.all_processes()
        # Every process of the bench but the load generator (whose CPU comes with its
        # result): what is left of the machine's busy time is someone else's.
        stack = [self.redis.pid, *(p.pid for p in self.backends.processes.values())]
        ours = [os.getpid(), *stack]
        log = LogWatch(gateway.process.log_path)
        log.mark()
        workers = gateway.worker_processes()
        worker_before = [cpu_seconds([w]) for w in workers]
        cpu_before = cpu_seconds(processes)
        stack_before, ours_before, busy_before = pids_cpu(stack), pids_cpu(ours), busy_seconds()
        calls_before = backend_requests(self.backends.urls)
        cache_before = cache_lookups(gateway.metrics_url)
        with RssSampler(gateway.worker_processes) as rss:
            result = load()
        worker_after = [cpu_seconds([w]) for w in workers]
        cpu_after = cpu_seconds(processes)
        stack_after, ours_after, busy_after = pids_cpu(stack), pids_cpu(ours), busy_seconds()
        calls_after = backend_requests(self.backends.urls)
        cache_after = cache_lookups(gateway.metrics_url)
        others = (busy_after - busy_before) - (ours_after - ours_before)
        others -= (cpu_after - cpu_before) + result.cpu_s

        requests = max(result.requests, 1)
        calls = delta(calls_after, calls_before)
        hits = cache_after.get("hit", 0.0) - cache_before.get("hit", 0.0)
        lookups = sum(cache_after.values()) - sum(cache_before.values())
        row = Row(
            name=name,
            workers=gateway.workers if gateway_cost else None,
            connections=connections,
            requests=result.requests,
            duration_s=result.duration_s,
            p50_ms=result.p50_ms,
            p95_ms=result.p95_ms,
            p99_ms=result.p99_ms,
            errors=result.socket_errors + result.non_2xx,
            server_errors=result.server_errors,
            graphql_errors=result.graphql_errors,
            gateway_cpu_ms=(cpu_after - cpu_before) * 1000 / requests if gateway_cost else None,
            stack_cpu_ms=(stack_after - stack_before) * 1000 / requests,
            backend_calls=sum(calls.values()) / requests,
            # Without the gateway in the path its cache says nothing about this load.
            cache_hit=hits / lookups if lookups > 0 and gateway_cost else None,
            peak_rss_mb=rss.peak_mb if gateway_cost else None,
            loadgen_cpu=result.cpu_percent,
            other_cores=max(0.0, others) / max(result.duration_s, 1e-9),
            note=note,
            warnings=dict(log.since().most_common(5)),
            worker_cpu_s=[a - b for a, b in zip(worker_after, worker_before, strict=True)],
            rss_end_mb=rss.last_mb,
            calls_by_route={route: n / requests for route, n in sorted(calls.items())},
        )
        if gateway_cost and len(row.worker_cpu_s) > 1:
            # uvicorn's workers accept from one socket; wrk's keep-alive connections stay
            # with whichever worker accepted them, so the split can be uneven.
            split = " / ".join(f"{s:.1f}" for s in row.worker_cpu_s)
            add_note(row, f"CPU s per worker {split}")
        self.rows[name] = row
        if not self.rss_after_warmup:
            # The first scenario is the warm-up: memory is compared with what it left.
            self.rss_after_warmup = dict(row.rss_end_mb)
        return row

    def wrk_run(
        self,
        label: str,
        items: Sequence[Sequence[Step]],
        duration: float,
        connections: int,
        think_ms: float = 0.0,
        stop_after: int = 0,
    ) -> LoadResult:
        data = self.workdir / f"{label}.data.lua"
        if not data.exists():
            wrk.write_data(data, items)
        script = self.workdir / f"{label}-{time.monotonic_ns()}.lua"
        wrk.write_script(script, data, think_ms, threads=1, stop_after=stop_after)
        return wrk.run_wrk(
            self._gw().url, script, duration, connections, log=self.workdir / "wrk.log"
        )

    def prime(self, label: str, items: Sequence[Sequence[Step]]) -> None:
        """An unmeasured pass over every item once: fills the balance cache for these
        numbers and warms the gateway's parser cache and connection pools.

        Redis is emptied first: a balance cached by an earlier pass would expire (30 s
        after *that* pass) in the middle of the measured run."""
        self.redis.flush()
        steps = sum(len(item) for item in items)
        self.wrk_run(label, items, PRIME_LIMIT_S, self.options.connections, stop_after=steps)

    # -- the scenarios ----------------------------------------------------------------

    def home_cold(self) -> Row:
        items = [[Step(queries.home_body(), bearer(s.token))] for s in self.cold()]
        self.redis.flush()  # nothing cached: every balance comes from billing
        c = self.options.connections
        return self.measure(
            "home-cold", lambda: self.wrk_run("home-cold", items, self.options.duration, c), c
        )

    def warm_items(self) -> list[list[Step]]:
        return [[Step(queries.home_body(), bearer(s.token))] for s in self.warm()]

    def home_warm(self, name: str = "home-warm") -> Row:
        items = self.warm_items()
        self.prime("home-warm", items)
        c = self.options.connections
        return self.measure(
            name, lambda: self.wrk_run("home-warm", items, self.options.duration, c), c
        )

    def home_warm_half(self) -> Row:
        """About half of home-warm's peak rate: the same connections, each pausing between
        answers. The pause is set from short trial runs (see wrk.py)."""
        peak = self.rows.get("home-warm") or self.home_warm()
        target = peak.rps / 2
        c = self.options.connections
        items = self.warm_items()
        self.prime("home-warm", items)
        # First guess: answers take about the backends' latency plus a little. Answers
        # get faster as the load drops (and kept answers need no backend at all), so the
        # pause is corrected from a few short trial runs, each at the last one's pause.
        think = max(0.0, 1000 * c / target - (self.options.latency_ms + 10))
        for _ in range(CALIBRATION_ROUNDS):
            trial = self.wrk_run("home-warm", items, CALIBRATE_SECONDS, c, think)
            answer_ms = 1000 * c / max(trial.rps, 1e-9) - think
            think = max(0.0, 1000 * c / target - answer_ms)
        row = self.measure(
            "home-warm-half",
            lambda: self.wrk_run("home-warm", items, self.options.duration, c, think),
            c,
        )
        add_note(
            row,
            f"target {target:.0f} req/s = 50% of peak {peak.rps:.0f}; got "
            f"{100 * row.rps / peak.rps:.0f}% of peak; mean pause {think:.0f} ms per connection",
        )
        return row

    def floor(self) -> Row:
        """A token-checked `query { __typename }`: what any request costs at least."""
        items = [[Step(queries.floor_body(), bearer(s.token))] for s in self.warm()]
        c = self.options.connections
        return self.measure(
            "floor", lambda: self.wrk_run("floor", items, self.options.duration, c), c
        )

    def home_executed(self) -> Row:
        """The warm home screen executed (read caches warm, the whole answer not kept):
        only with `--answer-ttl 0`, otherwise most are kept answers and the note says so."""
        items = self.warm_items()
        self.prime("home-warm", items)
        c = self.options.connections
        row = self.measure(
            "home-executed",
            lambda: self.wrk_run("home-warm", items, self.options.duration, c),
            c,
        )
        if self.stack.answer_ttl != 0:
            add_note(row, "whole answers kept (run with --answer-ttl 0): mostly not executed")
        return row

    def top_up(self) -> Row:
        """A top-up mutation, executed, a fresh idempotency key each."""
        items = []
        for s in self.warm():
            before, after = queries.top_up_template(s.msisdn)
            items.append([Step(before, bearer(s.token), key_suffix=after)])
        c = self.options.connections
        return self.measure(
            "top-up", lambda: self.wrk_run("top-up", items, self.options.duration, c), c
        )

    def dashboard(self) -> Row:
        token = self.minter.agent("bench-dashboard")
        pool = [s.msisdn for s in self.cold()]
        items = [
            [Step(queries.dashboard_body(self.rng.sample(pool, DASHBOARD_NUMBERS)), bearer(token))]
            for _ in range(DASHBOARD_BODIES)
        ]
        c = max(4, self.options.connections // 4)
        return self.measure(
            "dashboard", lambda: self.wrk_run("dashboard", items, self.options.duration, c), c
        )

    def dashboard_warm(self) -> Row:
        """The dashboard over the 500 warm numbers, read caches primed first: what
        executing 50 numbers costs when no backend is called (issue #14's figure)."""
        token = self.minter.agent("bench-dashboard")
        pool = [s.msisdn for s in self.warm()]
        items = [
            [Step(queries.dashboard_body(self.rng.sample(pool, DASHBOARD_NUMBERS)), bearer(token))]
            for _ in range(DASHBOARD_BODIES)
        ]
        self.prime("dashboard-warm", items)
        c = max(4, self.options.connections // 4)
        return self.measure(
            "dashboard-warm",
            lambda: self.wrk_run("dashboard-warm", items, self.options.duration, c),
            c,
        )

    def home_batched(self) -> Row:
        items = [[Step(queries.batched_home_body(), bearer(s.token))] for s in self.warm()]
        self.prime("home-batched", items)
        c = self.options.connections
        return self.measure(
            "home-batched",
            lambda: self.wrk_run("home-batched", items, self.options.duration, c),
            c,
        )

    def mix(self) -> Row:
        items = []
        for s in self.warm():
            before, after = queries.top_up_template(s.msisdn)
            items.append(
                [
                    Step(queries.login_body(s.msisdn, password(s.msisdn)), JSON_HEADERS),
                    Step(queries.home_body(), bearer(s.token)),
                    Step(before, bearer(s.token), key_suffix=after),
                ]
            )
        c = self.options.connections
        row = self.measure("mix", lambda: self.wrk_run("mix", items, self.options.duration, c), c)
        add_note(row, "1/3 each: logInWithPassword, home screen, topUp (new idempotency key)")
        return row

    def naive(self) -> Row:
        c = self.options.connections
        config = {
            "urls": self.backends.urls,
            "numbers": [s.msisdn for s in self.cold()],
            "duration": self.options.duration,
            "concurrency": c,
        }
        config_path = self.workdir / "naive.json"
        config_path.write_text(json.dumps(config))
        out = self.workdir / "naive.out.json"

        def load() -> LoadResult:
            argv = [PYTHON, "-m", "bench.naive", "--config", str(config_path), "--out", str(out)]
            with (self.workdir / "naive.log").open("ab") as log:
                process = subprocess.Popen(argv, cwd=REPO, stdout=log, stderr=log)
            cpu_s = wait_with_usage(process, self.options.duration + 60)
            if process.returncode != 0:
                raise RuntimeError(f"the naive client failed: see {self.workdir / 'naive.log'}")
            raw = json.loads(out.read_text())
            return LoadResult(
                requests=raw["requests"],
                duration_s=raw["duration_s"],
                p50_ms=raw["p50_ms"],
                p95_ms=raw["p95_ms"],
                p99_ms=raw["p99_ms"],
                max_ms=raw["max_ms"],
                socket_errors=raw["socket_errors"],
                timeouts=raw["timeouts"],
                non_2xx=raw["non_2xx"],
                server_errors=raw["server_errors"],
                graphql_errors=0,
                cpu_s=cpu_s,
                output="",
            )

        row = self.measure("naive", load, c, gateway_cost=False)
        add_note(row, "no gateway: 8 sequential backend GETs per home screen (aiohttp client)")
        return row

    def home_warm_one_worker(self) -> Row:
        if self._gw().workers != 1:
            self.start_gateway(1)
        return self.home_warm("home-warm-1w")


def run_scenarios(
    bench: Bench, on_row: Callable[[Row], None], between: Callable[[], None] | None = None
) -> None:
    """The chosen scenarios in a fixed order: the N-worker ones, then ``between`` (the
    profile, on the N-worker gateway), then the one-worker gateway."""
    chosen = bench.options.scenarios
    steps: list[tuple[str, Callable[[], Row]]] = [
        ("home-cold", bench.home_cold),
        ("home-warm", bench.home_warm),
        ("home-warm-half", bench.home_warm_half),
        ("floor", bench.floor),
        ("home-executed", bench.home_executed),
        ("dashboard", bench.dashboard),
        ("dashboard-warm", bench.dashboard_warm),
        ("home-batched", bench.home_batched),
        ("top-up", bench.top_up),
        ("mix", bench.mix),
        ("naive", bench.naive),
    ]
    for name, step in steps:
        if name in chosen:
            row = quietest(bench, name, step)
            # Every row samples the workers, the naive one too: the last is the end.
            bench.rss_at_end = dict(row.rss_end_mb)
            on_row(row)
    ratio_rounds(bench, dict(steps))
    if between is not None:
        between()
    if "home-warm-1w" in chosen:
        if bench.options.workers == 1 and "home-warm" in bench.rows:
            row = bench.rows["home-warm"]
            bench.rows["home-warm-1w"] = row
            on_row(row)
        else:
            on_row(quietest(bench, "home-warm-1w", bench.home_warm_one_worker))


# The floor and the scenarios whose targets are ratios to it (bench/targets.py).
RATIO_SCENARIOS = ("floor", "home-executed", "dashboard-warm", "dashboard")


def ratio_rounds(bench: Bench, steps: dict[str, Callable[[], Row]]) -> None:
    """The floor and the scenarios measured against it, again, in rounds: this machine's
    speed drifts by a fifth within minutes, and a ratio of two measurements taken a
    minute apart measured the drift as much as the gateway. The first round is the
    ordinary run's; the table keeps its rows."""
    names = [name for name in RATIO_SCENARIOS if name in bench.options.scenarios]
    if bench.options.ratio_rounds < 2 or "floor" not in names or len(names) < 2:
        return
    first = {name: bench.rows[name] for name in names}
    bench.ratio_rounds.append({name: row.gateway_cpu_ms or 0.0 for name, row in first.items()})
    for _ in range(bench.options.ratio_rounds - 1):
        found = {name: quietest(bench, name, steps[name]).gateway_cpu_ms for name in names}
        bench.ratio_rounds.append({name: ms or 0.0 for name, ms in found.items()})
    bench.rows.update(first)


def add_note(row: Row, text: str) -> None:
    row.note = "; ".join(x for x in (text, row.note) if x)


def settle(bench: Bench) -> str:
    """Wait (up to BREAKER_WAIT_S) until no worker has an open breaker: a breaker that
    the previous scenario opened would make this one run degraded (Redis open: no
    cache, so no "warm" run). Returns what was waited for, for the row's note."""
    if bench.gateway is None:
        return ""
    started = time.monotonic()
    opened = open_breakers(bench.gateway.url)
    if not opened:
        return ""
    names = ", ".join(sorted(opened))
    while opened and time.monotonic() - started < BREAKER_WAIT_S:
        time.sleep(1.0)
        opened = open_breakers(bench.gateway.url)
    waited = time.monotonic() - started
    left = f"; still open: {', '.join(sorted(opened))}" if opened else ""
    return f"waited {waited:.0f} s first for open breakers ({names}) left by the previous run{left}"


def quietest(bench: Bench, name: str, step: Callable[[], Row]) -> Row:
    """Run a scenario; while other programs took more than NOISY_CORES of the machine
    during it, wait for a quiet moment and run it again (``noisy_retries`` times at
    most), keeping the run the others disturbed least. The machine is shared: a run
    that had a core taken away measures the neighbour, not the gateway."""
    waited = settle(bench)
    best = step()
    runs = 1
    while (
        best.other_cores > NOISY_CORES
        and runs <= bench.options.noisy_retries
        and time.monotonic() < bench.retry_deadline
    ):
        wait_for_quiet(NOISY_CORES, QUIET_WAIT_S)
        settle(bench)
        row = step()
        runs += 1
        if row.other_cores < best.other_cores:
            best = row
    if runs > 1:
        add_note(best, f"quietest of {runs} runs (others' CPU)")
    if waited:
        add_note(best, waited)
    bench.rows[name] = best
    return best


def new_secret() -> str:
    return secrets.token_urlsafe(48)
