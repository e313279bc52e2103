"""The targets of the default run and their verdicts, from the rows measured.

1. Gateway CPU per warm home-screen request <= 1 ms (CPU time summed over all gateway
   processes, so it is "on one core" whatever the number of workers).
2. p99 <= the slowest backend's latency + 15 ms, at about half of the peak rate.
3. N workers give >= 0.85 x N the throughput of one.
4. Memory per worker under 200 MB at every sample, and flat: each worker's RSS at the
   end within 20% of what it was after the first (warm-up) scenario.
5. With the floor measured (issue #14): the executed home screen <= 2x the floor
   request's CPU, the 50-number dashboard <= 25x.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence

from bench.report import Row, Verdict

CPU_LIMIT_MS = 1.0
# Issue #14: an executed screen's CPU against the floor request's (`query { __typename }`).
EXECUTED_HOME_FLOORS = 2.0
DASHBOARD_FLOORS = 25.0
P99_HEADROOM_MS = 15.0
SCALING = 0.85
RSS_LIMIT_MB = 200.0
RSS_GROWTH = 0.20


def cpu_target(rows: dict[str, Row]) -> Verdict:
    target = f"gateway CPU per warm home-screen request <= {CPU_LIMIT_MS:g} ms"
    warm = rows.get("home-warm")
    if warm is None or warm.gateway_cpu_ms is None:
        return Verdict(target, "not measured", None)
    measured = f"{warm.gateway_cpu_ms:.2f} ms ({warm.workers} workers)"
    one = rows.get("home-warm-1w")
    if one is not None and one.gateway_cpu_ms is not None and one is not warm:
        measured += f"; {one.gateway_cpu_ms:.2f} ms with 1 worker"
    # Both figures must hold: one worker is "one core", N workers is how it is deployed.
    figures = [r.gateway_cpu_ms for r in (warm, one) if r is not None and r.gateway_cpu_ms]
    return Verdict(target, measured, max(figures) <= CPU_LIMIT_MS)


def latency_target(rows: dict[str, Row], latency_ms: float) -> Verdict:
    limit = latency_ms + P99_HEADROOM_MS
    target = f"p99 <= slowest backend ({latency_ms:g} ms) + {P99_HEADROOM_MS:g} ms at ~50% of peak"
    half = rows.get("home-warm-half")
    if half is None:
        return Verdict(target, "not measured", None)
    peak = rows.get("home-warm")
    share = f" ({100 * half.rps / peak.rps:.0f}% of peak)" if peak else ""
    measured = f"p99 {half.p99_ms:.1f} ms at {half.rps:.0f} req/s{share}; limit {limit:g} ms"
    return Verdict(target, measured, half.p99_ms <= limit)


def scaling_target(rows: dict[str, Row], workers: int) -> Verdict:
    target = f"{workers} workers >= {SCALING:g} x {workers} the throughput of 1"
    many, one = rows.get("home-warm"), rows.get("home-warm-1w")
    if many is None or one is None or workers == 1:
        return Verdict(target, "not measured (needs home-warm and home-warm-1w, N > 1)", None)
    ratio = many.rps / one.rps if one.rps else 0.0
    measured = (
        f"{many.rps:.0f} vs {one.rps:.0f} req/s = {ratio:.2f}x (needs {SCALING * workers:.2f}x)"
    )
    if many.gateway_cpu_ms and one.gateway_cpu_ms:
        # What the ratio cannot show when the load generator, Redis and the simulators
        # run on the same cores as the workers: whether a worker does as much per core.
        # They took `rest` cores in the N-worker run, cores the workers did not have.
        rest = many.stack_cpu_ms * many.rps / 1000 + many.loadgen_cpu / 100 + many.other_cores
        per_core = one.gateway_cpu_ms / many.gateway_cpu_ms
        measured += (
            f"; CPU per request {many.gateway_cpu_ms:.2f} vs {one.gateway_cpu_ms:.2f} ms "
            f"({per_core:.0%} per core); load generator, Redis, simulators: {rest:.2f} cores"
        )
    return Verdict(target, measured, ratio >= SCALING * workers)


def memory_target(
    rows: dict[str, Row], after_warmup: dict[int, float], at_end: dict[int, float]
) -> Verdict:
    target = f"RSS per worker < {RSS_LIMIT_MB:g} MB and flat (end within {RSS_GROWTH:.0%})"
    peaks = [r.peak_rss_mb for r in rows.values() if r.peak_rss_mb is not None]
    if not peaks:
        return Verdict(target, "not measured", None)
    peak = max(peaks)
    common = sorted(set(after_warmup) & set(at_end))
    growth = [at_end[pid] / after_warmup[pid] - 1 for pid in common if after_warmup[pid] > 0]
    if growth:
        worst = max(growth)
        start = ", ".join(f"{after_warmup[p]:.0f}" for p in common)
        end = ", ".join(f"{at_end[p]:.0f}" for p in common)
        measured = f"peak {peak:.0f} MB; after warm-up {start} MB -> end {end} MB ({worst:+.0%})"
        return Verdict(target, measured, peak < RSS_LIMIT_MB and worst <= RSS_GROWTH)
    return Verdict(target, f"peak {peak:.0f} MB; flatness not measured", peak < RSS_LIMIT_MB)


def floor_targets(
    rows: dict[str, Row], rounds: Sequence[Mapping[str, float]] = ()
) -> list[Verdict]:
    """Each ratio from the run's rows; with rounds (`--ratio-rounds`), from each round's
    floor and scenario measured one after the other, the verdict on their median."""
    floor = rows.get("floor")
    if floor is None or not floor.gateway_cpu_ms:
        return []
    verdicts = []
    # The dashboard with read caches warm when measured (the figure), else cold.
    dashboard = "dashboard-warm" if "dashboard-warm" in rows else "dashboard"
    for name, limit, what in (
        ("home-executed", EXECUTED_HOME_FLOORS, "executed home screen"),
        (dashboard, DASHBOARD_FLOORS, f"50-number dashboard ({dashboard})"),
    ):
        target = f"{what} CPU <= {limit:g}x the floor request's"
        row = rows.get(name)
        if row is None or not row.gateway_cpu_ms:
            verdicts.append(Verdict(target, "not measured", None))
            continue
        ratio = row.gateway_cpu_ms / floor.gateway_cpu_ms
        measured = (
            f"{row.gateway_cpu_ms:.2f} vs {floor.gateway_cpu_ms:.2f} ms = {ratio:.1f}x the floor"
        )
        each = [r[name] / r["floor"] for r in rounds if r.get(name) and r.get("floor")]
        if len(each) > 1:
            ratio = statistics.median(each)
            listed = ", ".join(
                f"{r[name]:.2f}/{r['floor']:.2f}" for r in rounds if r.get(name) and r.get("floor")
            )
            measured = (
                f"median {ratio:.2f}x the floor over {len(each)} rounds "
                f"({', '.join(f'{x:.2f}x' for x in each)}; ms {listed})"
            )
        verdicts.append(Verdict(target, measured, ratio <= limit))
    return verdicts


def evaluate(
    rows: dict[str, Row],
    workers: int,
    latency_ms: float,
    after_warmup: dict[int, float],
    at_end: dict[int, float],
    rounds: Sequence[Mapping[str, float]] = (),
) -> list[Verdict]:
    return [
        cpu_target(rows),
        latency_target(rows, latency_ms),
        scaling_target(rows, workers),
        memory_target(rows, after_warmup, at_end),
        *floor_targets(rows, rounds),
    ]
