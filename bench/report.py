"""The table, the targets' verdicts, and bench/RESULTS.md.

RESULTS.md is written in sections between markers (``<!-- bench:run -->`` ...
``<!-- /bench:run -->``): the default run and the soak each replace only their own, so
one file holds both, and notes written by hand outside the markers survive a rerun.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


@dataclass
class Row:
    """One scenario's figures. ``None`` where a figure does not apply (no gateway in the
    naive run, no balance lookups in a run that reads no balance)."""

    name: str
    workers: int | None
    connections: int
    requests: int
    duration_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int  # socket errors, timeouts and non-2xx answers
    server_errors: int
    graphql_errors: int
    gateway_cpu_ms: float | None  # per request, all gateway processes, user + system
    stack_cpu_ms: float  # per request, the simulators and redis-server (same machine)
    backend_calls: float  # per request
    cache_hit: float | None  # hits / (hits + misses + stale) of balance lookups
    peak_rss_mb: float | None  # the largest worker's peak
    loadgen_cpu: float  # % of one core
    other_cores: float  # the machine's busy CPU not the bench's, in cores
    note: str = ""
    warnings: dict[str, int] = field(default_factory=dict)  # gateway log lines, by kind
    worker_cpu_s: list[float] = field(default_factory=list)  # each worker's CPU seconds
    rss_end_mb: dict[int, float] = field(default_factory=dict)
    calls_by_route: dict[str, float] = field(default_factory=dict)  # per request

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0


@dataclass(frozen=True)
class Verdict:
    target: str
    measured: str
    passed: bool | None  # None: not measured in this run

    @property
    def mark(self) -> str:
        return {True: "PASS", False: "FAIL", None: "n/a"}[self.passed]


HEADERS = (
    "scenario",
    "workers",
    "conns",
    "req/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "errors",
    "gw CPU ms/req",
    "sims+redis CPU ms/req",
    "backend calls/req",
    "cache hit",
    "peak RSS/worker MB",
    "loadgen CPU",
    "others' CPU",
)


def _opt(value: float | None, spec: str, suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def cells(row: Row) -> list[str]:
    errors = f"{row.errors}"
    if row.graphql_errors:
        errors += f" (+{row.graphql_errors} gql)"
    return [
        row.name,
        "-" if row.workers is None else str(row.workers),
        str(row.connections),
        f"{row.rps:.0f}",
        f"{row.p50_ms:.1f}",
        f"{row.p95_ms:.1f}",
        f"{row.p99_ms:.1f}",
        errors,
        _opt(row.gateway_cpu_ms, ".2f"),
        f"{row.stack_cpu_ms:.2f}",
        f"{row.backend_calls:.2f}",
        _opt(None if row.cache_hit is None else row.cache_hit * 100, ".0f", "%"),
        _opt(row.peak_rss_mb, ".0f"),
        f"{row.loadgen_cpu:.0f}%",
        f"{row.other_cores:.2f} cores",
    ]


def text_table(rows: Sequence[Row], fixed: bool = False) -> str:
    """Aligned columns; ``fixed`` sizes them for any figures, so that rows printed one
    at a time as scenarios finish line up under the header."""
    table = [list(HEADERS), *(cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    if fixed:
        widths = [max(w, 14 if i == 0 else 7) for i, w in enumerate(widths)]
    lines = []
    for n, line in enumerate(table):
        lines.append(
            "  ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(line, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def rows_markdown(rows: Sequence[Row]) -> str:
    return markdown_table(HEADERS, [cells(r) for r in rows])


def verdicts_markdown(verdicts: Sequence[Verdict]) -> str:
    return markdown_table(
        ("target", "measured", "verdict"),
        [(v.target, v.measured, f"**{v.mark}**") for v in verdicts],
    )


def verdicts_text(verdicts: Sequence[Verdict]) -> str:
    return "\n".join(f"  [{v.mark}] {v.target}: {v.measured}" for v in verdicts)


def machine_facts() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = "unknown"
    try:
        wrk = subprocess.run(
            ["/usr/bin/wrk", "--version"], capture_output=True, text=True, timeout=5, check=False
        ).stdout.splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        wrk = "unknown"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _commit(),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "wrk": wrk.strip(),
    }


def _commit() -> str:
    """The tree measured: HEAD, and whether files differed from it (others may be
    editing the same tree while the bench runs)."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            cwd=RESULTS.parent.parent,
        ).stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD") or "unknown"
        # The path is the last field: the output is stripped, so the first line has
        # lost the blank of its two-letter status (" M bench/RESULTS.md").
        changed = [
            line
            for line in git("status", "--porcelain").splitlines()
            if not line.split(maxsplit=1)[-1].startswith("bench/")
        ]
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + (f" + {len(changed)} uncommitted paths outside bench/" if changed else "")


def facts_markdown(facts: dict[str, str]) -> str:
    return "\n".join(f"- {k}: {v}" for k, v in facts.items())


def write_section(name: str, content: str, path: Path = RESULTS) -> None:
    """Replace (or append) the section between this name's markers."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{content.rstrip()}\n{end}"
    text = path.read_text() if path.exists() else "# Benchmark results\n\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)
