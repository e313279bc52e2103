"""``python -m bench --soak MINUTES``: mixed load while faults come and go, then checks.

A fresh stack (so billing's ledger holds only this soak's top-ups), the load driver
(bench/soak_load.py) in its own process, and the fault schedule (bench/faults.py) run
from here while worker memory is sampled. At the end:

- no 5xx answer at all (a backend failing must become a partial answer or an error
  code in a 200, never a 5xx);
- no lost or doubled top-up: every ``topUpId`` the gateway answered is in billing's
  ``GET /admin/ledger`` exactly once, with the number and amount asked for; a key sent
  again (repeats, concurrent duplicates, retries after unknown outcomes) has one id and
  one ledger line; no ledger line is unknown to the client;
- memory flat: each worker's RSS at the end within 20% of its RSS after warm-up.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import faults, report
from bench.load_driver import LoadDriver
from bench.probes import MB, LogWatch, RssSampler, busy_seconds, pids_cpu
from bench.processes import (
    Backends,
    Gateway,
    StackOptions,
    gateway_env,
    start_backends,
    stop_all,
)
from bench.scenarios import new_secret
from bench.subscribers import Minter, numbers, subscribers
from tests.harness.redis_server import RedisServer

READERS = 1000
PAYERS = 2000
CONCURRENCY = 16
THINK_MS = 100.0
HOLD_S = 12.0  # how long a fault lasts
QUIET_S = 8.0  # the calm between two faults
RSS_GROWTH = 0.20


@dataclass
class LedgerCheck:
    accepted: int = 0  # top-ups answered with a topUpId (distinct keys)
    refused: Counter[str] = field(default_factory=Counter)
    unsettled: int = 0  # outcome still unknown after the final retries
    lost: list[str] = field(default_factory=list)  # answered ids missing from the ledger
    doubled: list[str] = field(default_factory=list)  # keys with two ids or ledger lines
    unacknowledged: list[str] = field(default_factory=list)  # ledger lines no one was told
    mismatched: list[str] = field(default_factory=list)  # wrong number or amount
    repeated_keys: int = 0  # keys sent more than once (repeats, duplicates, retries)
    ledger_lines: int = 0

    @property
    def passed(self) -> bool:
        return not (self.lost or self.doubled or self.unacknowledged or self.mismatched)


def check_ledger(topups: list[dict[str, Any]], ledger: list[dict[str, Any]]) -> LedgerCheck:
    check = LedgerCheck(ledger_lines=len(ledger))
    by_id: dict[str, list[dict[str, Any]]] = {}
    for line in ledger:
        by_id.setdefault(str(line["id"]), []).append(line)
    keys = Counter(str(line["idempotencyKey"]) for line in ledger if line.get("idempotencyKey"))
    check.doubled += [f"ledger key {k} x{n}" for k, n in keys.items() if n > 1]
    answered: set[str] = set()
    for topup in topups:
        ids = set(topup["ids"])
        if topup["attempts"] > 1:
            check.repeated_keys += 1
        if len(ids) > 1:
            check.doubled.append(f"{topup['key']}: {sorted(ids)}")
        if ids:
            check.accepted += 1
        elif topup["refused"]:
            check.refused.update(topup["refused"])
        else:
            check.unsettled += 1
        for topup_id in ids:
            answered.add(topup_id)
            lines = by_id.get(topup_id, [])
            if not lines:
                check.lost.append(f"{topup['key']}: {topup_id}")
                continue
            if len(lines) > 1:
                check.doubled.append(f"{topup_id} x{len(lines)} in the ledger")
            line = lines[0]
            amount = float(line["amount"]["amount"])
            if line["msisdn"] != topup["msisdn"] or amount != float(topup["amount"]):
                check.mismatched.append(f"{topup_id}: {line['msisdn']} {amount}")
    check.unacknowledged = [i for i in by_id if i not in answered]
    return check


def _ledger(billing_url: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{billing_url}/admin/ledger", timeout=30) as answer:  # noqa: S310
        lines = json.loads(answer.read())
    assert isinstance(lines, list)
    return lines


@dataclass
class Timeline:
    started: float = field(default_factory=time.monotonic)
    events: list[str] = field(default_factory=list)
    warnings: dict[str, int] = field(default_factory=dict)  # the gateway's log, by kind
    others_cores: float = 0.0  # CPU of other programs on the machine during the soak

    def log(self, text: str) -> None:
        line = f"{time.monotonic() - self.started:6.1f} s  {text}"
        self.events.append(line)
        print(line, flush=True)


def run_faults(
    fault_list: list[faults.Fault],
    until: float,
    timeline: Timeline,
    urls: dict[str, str],
    lat: float,
) -> None:
    """Apply the faults one after another until ``until`` (monotonic), then clear all."""
    index = 0
    try:
        while time.monotonic() + HOLD_S < until:
            fault = fault_list[index % len(fault_list)]
            index += 1
            timeline.log(f"fault on:  {fault.name}")
            fault.apply()
            try:
                time.sleep(HOLD_S)
            finally:
                fault.clear()
                timeline.log(f"fault off: {fault.name}")
            time.sleep(min(QUIET_S, max(0.0, until - time.monotonic())))
    finally:
        faults.clear_all(urls, lat)


def bench_cpu(gateway: Gateway, backends: Backends, redis: RedisServer) -> float:
    """CPU seconds of every process of the bench but the load driver."""
    pids = [os.getpid(), redis.pid, *(p.pid for p in gateway.all_processes())]
    return pids_cpu(pids + [p.pid for p in backends.processes.values()])


def rss_after(series: list[tuple[float, dict[int, int]]], at: float) -> dict[int, float]:
    for moment, sample in series:
        if moment >= at and sample:
            return {pid: rss / MB for pid, rss in sample.items()}
    return {}


def run_soak(args: argparse.Namespace, workdir: Path) -> int:
    duration = args.soak * 60
    warmup = min(30.0, duration * 0.15)
    drain = min(30.0, duration * 0.15)
    stack = StackOptions(size=args.size, latency_ms=args.latency_ms, secret=new_secret())
    minter = Minter(stack.secret, 6 * 3600)
    redis = RedisServer(directory=workdir / "redis")
    redis.start()
    backends = None
    gateway = None
    driver = LoadDriver(workdir, "soak")
    try:
        backends = start_backends(stack, workdir)
        env = gateway_env(stack, backends, redis.url, workdir, args.workers)
        gateway = Gateway(args.workers, env, workdir)
        gateway.start()
        rng = random.Random(11)
        readers = subscribers(minter, numbers(args.size, READERS, rng))
        payers = subscribers(minter, numbers(args.size, PAYERS, rng))
        timeline = Timeline()
        print(
            f"soak: {args.soak:g} min, {args.workers} workers, {CONCURRENCY} clients, "
            f"backends at {args.latency_ms:g} ms; warm-up {warmup:.0f} s, "
            f"faults until {duration - drain:.0f} s",
            flush=True,
        )
        gateway_log = LogWatch(gateway.process.log_path)
        gateway_log.mark()
        ours_before, busy_before = bench_cpu(gateway, backends, redis), busy_seconds()
        with RssSampler(gateway.worker_processes) as rss:
            driver.start(gateway.url, readers, payers, duration, CONCURRENCY, THINK_MS)
            timeline.log("load on")
            time.sleep(warmup)
            fault_list = faults.schedule(backends.urls, redis, args.latency_ms)
            run_faults(
                fault_list,
                timeline.started + duration - drain,
                timeline,
                backends.urls,
                args.latency_ms,
            )
            if not redis.alive:
                redis.start()
            timeline.log("all faults cleared; waiting for the load to end and the final retries")
            cpu_s = driver.finish()  # the driver's final retries may start
            others = (
                (busy_seconds() - busy_before)
                - (bench_cpu(gateway, backends, redis) - ours_before)
                - cpu_s
            )
            timeline.others_cores = max(0.0, others) / (time.monotonic() - timeline.started)
            timeline.log("load off")
        result = driver.result()
        check = check_ledger(result["topups"], _ledger(backends.urls["billing"]))
        after_warmup = rss_after(rss.series, warmup)
        at_end = rss.last_mb
        timeline.warnings = dict(gateway_log.since().most_common(12))
        return finish(args, result, check, after_warmup, at_end, rss.peak_mb, timeline, cpu_s)
    finally:
        stop_all(driver, gateway, backends, redis)


def finish(
    args: argparse.Namespace,
    result: dict[str, Any],
    check: LedgerCheck,
    after_warmup: dict[int, float],
    at_end: dict[int, float],
    peak_mb: float,
    timeline: Timeline,
    driver_cpu_s: float,
) -> int:
    statuses: dict[str, int] = result["statuses"]
    server_errors = sum(n for status, n in statuses.items() if status.startswith("5"))
    common = sorted(set(after_warmup) & set(at_end))
    growth = max((at_end[p] / after_warmup[p] - 1 for p in common), default=0.0)
    flat = bool(common) and growth <= RSS_GROWTH
    verdicts = [
        report.Verdict(
            "zero 5xx answers", f"{server_errors} of {result['requests']}", server_errors == 0
        ),
        report.Verdict(
            "no lost or doubled top-ups",
            f"{check.accepted} accepted, {check.ledger_lines} ledger lines; lost "
            f"{len(check.lost)}, doubled {len(check.doubled)}, unacknowledged "
            f"{len(check.unacknowledged)}, wrong amount {len(check.mismatched)}; "
            f"{check.repeated_keys} keys sent more than once",
            check.passed,
        ),
        report.Verdict(
            f"memory flat (end within {RSS_GROWTH:.0%} of after warm-up)",
            "after warm-up "
            + ", ".join(f"{after_warmup[p]:.0f}" for p in common)
            + " MB -> end "
            + ", ".join(f"{at_end[p]:.0f}" for p in common)
            + f" MB ({growth:+.0%}); peak {peak_mb:.0f} MB",
            flat,
        ),
    ]
    load_s = float(result["load_s"])
    facts = [
        f"requests: {result['requests']} in {load_s:.0f} s ({result['requests'] / load_s:.0f} "
        f"req/s), by kind {json.dumps(result['kinds'])}",
        f"answers by status: {json.dumps(statuses)}",
        f"error codes in answers: {json.dumps(result['codes'], sort_keys=True)}",
        f"stale balances served: {result['stale_balances']}; home-screen reads answered "
        f"200: p50 {result['read_p50_ms']:.0f} ms, p99 {result['read_p99_ms']:.0f} ms",
        f"top-ups refused (userErrors): {dict(check.refused) or 'none'}; outcome still "
        f"unknown at the end: {check.unsettled}",
        f"load driver CPU: {driver_cpu_s:.1f} s ({100 * driver_cpu_s / load_s:.0f}% of a core); "
        f"other programs on the machine: {timeline.others_cores:.2f} cores on average",
    ]
    problems = check.lost + check.doubled + check.unacknowledged + check.mismatched
    print("\n" + "\n".join(facts))
    print("\nsoak verdicts:\n" + report.verdicts_text(verdicts))
    for problem in problems[:20]:
        print(f"  ! {problem}")
    if not args.no_results:
        parts = [
            "## Soak",
            f"`python -m bench --soak {args.soak:g}`: {args.workers} workers, {CONCURRENCY} "
            f"clients pausing ~{THINK_MS:g} ms, backends at {args.latency_ms:g} ms, "
            f"{args.size} subscribers.",
            report.facts_markdown(report.machine_facts()),
            f"- CPU busy with other programs just before the start: {args.busy_before:.2f} cores",
            "### Verdicts",
            report.verdicts_markdown(verdicts),
            "### Figures",
            "\n".join(f"- {f}" for f in facts),
            "### Timeline",
            "```\n" + "\n".join(timeline.events) + "\n```",
            "### The gateway's log during the soak (most frequent lines)",
            "\n".join(f"- {n}x `{line}`" for line, n in timeline.warnings.items()) or "- none",
        ]
        if problems:
            parts += ["### Problems", "\n".join(f"- {p}" for p in problems[:50])]
        report.write_section("soak", "\n\n".join(parts))
        print(f"wrote {report.RESULTS}")
    return 0 if all(v.passed for v in verdicts) else 1
