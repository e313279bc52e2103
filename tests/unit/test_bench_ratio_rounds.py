"""The bench's ratio targets (bench/targets.py): from the run's rows, or with
`--ratio-rounds`, the median of each round's floor and scenario measured in turn."""

from __future__ import annotations

from bench.report import Row
from bench.targets import floor_targets


def _row(name: str, cpu_ms: float) -> Row:
    return Row(
        name=name,
        workers=1,
        connections=32,
        requests=1000,
        duration_s=8.0,
        p50_ms=1.0,
        p95_ms=2.0,
        p99_ms=3.0,
        errors=0,
        server_errors=0,
        graphql_errors=0,
        gateway_cpu_ms=cpu_ms,
        stack_cpu_ms=0.0,
        backend_calls=0.0,
        cache_hit=None,
        peak_rss_mb=None,
        loadgen_cpu=0.0,
        other_cores=0.0,
    )


ROWS = {
    "floor": _row("floor", 0.20),
    "home-executed": _row("home-executed", 0.50),
    "dashboard-warm": _row("dashboard-warm", 4.0),
}


def test_without_rounds_the_ratio_is_the_rows() -> None:
    home, dashboard = floor_targets(ROWS)
    assert home.passed is False
    assert "0.50 vs 0.20 ms = 2.5x" in home.measured
    assert dashboard.passed is True


def test_with_rounds_the_verdict_is_the_median_round() -> None:
    # The machine slowed down in the second round: its floor and screen both took longer.
    rounds = [
        {"floor": 0.20, "home-executed": 0.38, "dashboard-warm": 4.0},
        {"floor": 0.30, "home-executed": 0.63, "dashboard-warm": 5.4},
        {"floor": 0.21, "home-executed": 0.40, "dashboard-warm": 4.4},
    ]
    home, dashboard = floor_targets(ROWS, rounds)
    # Each round's ratio: 1.90x, 2.10x, 1.90x; the median passes where the rows (2.5x) fail.
    assert home.passed is True
    assert home.measured.startswith("median 1.90x the floor over 3 rounds (1.90x, 2.10x, 1.90x")
    assert dashboard.passed is True
    assert "median 20.00x" in dashboard.measured

    failing = [{**r, "home-executed": r["floor"] * 2.2} for r in rounds]
    home, _ = floor_targets(ROWS, failing)
    assert home.passed is False
