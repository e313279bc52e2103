"""``python -m bench``: start the stack, run the scenarios, print the table and verdicts.

``python -m bench --soak 3`` runs the soak instead (bench/soak.py), ``python -m bench
--tail 2`` the tail at half of peak across expiries (bench/tail.py). Each writes its
section of bench/RESULTS.md. Every process started is stopped by PID at the end, on
errors and on Ctrl-C too.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from bench import profiling, report, targets
from bench.probes import wait_for_quiet
from bench.processes import StackOptions, signals_held, start_backends
from bench.report import Row
from bench.scenarios import ALL_SCENARIOS, Bench, BenchOptions, new_secret, run_scenarios
from bench.subscribers import Minter
from tests.harness.redis_server import RedisServer

TOKEN_TTL = 6 * 3600


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per scenario")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="every backend's latency")
    parser.add_argument("--size", type=int, default=10_000, help="subscribers in the data set")
    parser.add_argument("--connections", type=int, default=32, help="wrk's connections")
    parser.add_argument(
        "--scenarios",
        default=",".join(ALL_SCENARIOS),
        help=f"comma-separated, of: {', '.join(ALL_SCENARIOS)}",
    )
    parser.add_argument("--soak", type=float, default=0.0, help="minutes of soak (instead)")
    parser.add_argument(
        "--tail",
        type=float,
        default=0.0,
        metavar="MINUTES",
        help="hold half of peak with answers kept across expiries (instead; bench/tail.py)",
    )
    parser.add_argument("--tail-answer-ttl", type=float, default=15.0, help="--tail: seconds")
    parser.add_argument(
        "--tail-read-ttl", type=float, default=30.0, help="--tail: reads and balances, seconds"
    )
    parser.add_argument(
        "--refresh-ahead", type=float, default=0.5, help="--tail: TGW_REFRESH_AHEAD (0: off)"
    )
    parser.add_argument(
        "--gateway-code", default="", help="--tail: run the gateway from this checkout"
    )
    parser.add_argument(
        "--tail-label", default="after", help="--tail: names its section of RESULTS.md"
    )
    parser.add_argument(
        "--profile",
        choices=("auto", "always", "never"),
        default="auto",
        help="py-spy on a worker during home-warm (auto: when the CPU target is missed)",
    )
    parser.add_argument(
        "--ratio-rounds",
        type=int,
        default=1,
        help="measure the floor and the scenarios against it this many times in turn; "
        "the ratio targets take the median round",
    )
    parser.add_argument(
        "--noisy-retries",
        type=int,
        default=2,
        help="runs again a scenario during which other programs used > 0.3 cores",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="first wait up to this long for other programs to leave the CPUs (< 0.3 cores)",
    )
    parser.add_argument(
        "--executor",
        choices=("plan", "graphql-core"),
        default=None,
        help="the gateway's TGW_EXECUTOR (default: the gateway's own, plan)",
    )
    parser.add_argument(
        "--answer-ttl",
        type=float,
        default=None,
        help="the gateway's TGW_ANSWER_TTL (0: every home screen executed)",
    )
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--keep-workdir", action="store_true", help="keep logs and scripts")
    args = parser.parse_args(argv)
    unknown = set(args.scenarios.split(",")) - set(ALL_SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return args


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    # SIGTERM as Ctrl-C: the finally blocks stop every child.
    raise KeyboardInterrupt(f"signal {signum}")


def run_default(args: argparse.Namespace, workdir: Path) -> int:
    chosen = tuple(s for s in ALL_SCENARIOS if s in args.scenarios.split(","))
    options = BenchOptions(
        workers=args.workers,
        duration=args.duration,
        latency_ms=args.latency_ms,
        size=args.size,
        connections=args.connections,
        scenarios=chosen,
        noisy_retries=args.noisy_retries,
        ratio_rounds=args.ratio_rounds,
    )
    stack = StackOptions(
        size=args.size,
        latency_ms=args.latency_ms,
        secret=new_secret(),
        executor=args.executor,
        answer_ttl=args.answer_ttl,
    )
    started = time.monotonic()
    print(f"work directory {workdir}", flush=True)
    redis = RedisServer(directory=workdir / "redis")
    redis.start()
    backends = None
    bench: Bench | None = None
    try:
        backends = start_backends(stack, workdir)
        print(f"backends up ({', '.join(backends.urls)}), redis on {redis.port}", flush=True)
        bench = Bench(options, stack, workdir, backends, redis, Minter(stack.secret, TOKEN_TTL))
        bench.start_gateway(args.workers)
        print(f"gateway up with {args.workers} workers\n", flush=True)

        def show(row: Row) -> None:
            print(report.text_table([row], fixed=True).splitlines()[-1], flush=True)

        print("\n".join(report.text_table([], fixed=True).splitlines()[:2]), flush=True)
        profiles: list[profiling.Profile] = []

        def between() -> None:
            # On the N-worker gateway, before the one-worker gateway replaces it.
            assert bench is not None
            warm = bench.rows.get("home-warm")
            missed = warm is not None and (warm.gateway_cpu_ms or 0) > targets.CPU_LIMIT_MS
            if args.profile == "always" or (args.profile == "auto" and missed):
                found = take_profile(bench)
                if found is not None:
                    profiles.append(found)

        run_scenarios(bench, show, between)
        profile = profiles[0] if profiles else None
        verdicts = targets.evaluate(
            bench.rows,
            args.workers,
            args.latency_ms,
            bench.rss_after_warmup,
            bench.rss_at_end,
            bench.ratio_rounds,
        )
        rows = list(bench.rows.values())
        print("\n" + report.text_table(rows))
        for row in rows:
            if row.note:
                print(f"  {row.name}: {row.note}")
            for line, count in row.warnings.items():
                print(f"  {row.name}: gateway log {count}x: {line}")
        print("\ntargets:\n" + report.verdicts_text(verdicts))
        if profile is not None:
            print("\nprofile (self time by package):")
            for name, share in profile.by_package[:8]:
                print(f"  {share:6.1%}  {name}")
        elapsed = time.monotonic() - started
        print(f"\ndone in {elapsed:.0f} s")
        if not args.no_results:
            write_results(args, rows, verdicts, profile, elapsed)
            print(f"wrote {report.RESULTS}")
        return 0
    finally:
        with signals_held():
            if bench is not None:
                bench.stop_gateway()
            if backends is not None:
                backends.stop()
            redis.stop()


def take_profile(bench: Bench) -> profiling.Profile | None:
    """py-spy on the running gateway's workers during a home-warm replay."""
    gateway = bench.gateway
    if gateway is None:
        return None
    if profiling.py_spy() is None:
        print("py-spy is not installed (.venv/bin/pip install py-spy): no profile")
        return None
    seconds = min(12.0, bench.options.duration)
    # With --answer-ttl 0 this replay is the executed screen (issue #14: where its CPU goes).
    items = bench.warm_items()
    bench.prime("home-warm", items)
    print(f"profiling {gateway.workers} worker(s) for {seconds:.0f} s", flush=True)
    return profiling.record(
        gateway.process.pid,
        seconds,
        bench.workdir,
        lambda s: bench.wrk_run("home-warm", items, s, bench.options.connections),
    )


def write_results(
    args: argparse.Namespace,
    rows: list[Row],
    verdicts: list[report.Verdict],
    profile: profiling.Profile | None,
    elapsed: float,
) -> None:
    facts = report.machine_facts()
    command = "python -m bench" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
    parts = [
        "## Default run",
        f"`{command}`: {args.workers} workers, {args.duration:g} s per scenario, every "
        f"backend at {args.latency_ms:g} ms, {args.size} subscribers, "
        f"{args.connections} wrk connections (1 wrk thread); {elapsed:.0f} s in all.",
        report.facts_markdown(facts)
        + f"\n- CPU busy with other programs just before the start: {args.busy_before:.2f} "
        "cores (the machine is shared; see the others' CPU column)",
        "### Scenarios",
        report.rows_markdown(rows),
        "\n".join(f"- {r.name}: {r.note}" for r in rows if r.note),
        "Gateway log lines written during each scenario (none is the norm):\n\n"
        + (
            "\n".join(f"- {r.name}: {n}x `{line}`" for r in rows for line, n in r.warnings.items())
            or "- none"
        ),
        "### Targets",
        report.verdicts_markdown(verdicts),
    ]
    if profile is not None:
        parts += ["### Profile (generated)", profiling.markdown(profile)]
    report.write_section("run", "\n\n".join(p for p in parts if p))


QUIET_CORES = 0.3


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    # The machine may be shared: say how busy it was before anything started.
    if args.wait_quiet > 0:
        print(f"waiting up to {args.wait_quiet:.0f} s for a quiet machine", flush=True)
    args.busy_before = wait_for_quiet(QUIET_CORES, args.wait_quiet)
    print(f"other programs were using {args.busy_before:.2f} cores before the start", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="tgw-bench-"))
    try:
        if args.soak > 0:
            from bench.soak import run_soak

            return run_soak(args, workdir)
        if args.tail > 0:
            from bench.tail import run_tail

            return run_tail(args, workdir)
        return run_default(args, workdir)
    except KeyboardInterrupt as stop:
        why = f" ({stop})" if str(stop) else ""
        print(f"\ninterrupted{why}: everything started has been stopped", file=sys.stderr)
        return 130
    finally:
        if args.keep_workdir:
            print(f"logs and scripts kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
