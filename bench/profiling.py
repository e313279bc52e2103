"""Where a worker's CPU goes during home-warm: py-spy on the running gateway.

Two py-spy recordings of all the workers (``--subprocesses`` of the master) are taken,
one after the other, while wrk replays home-warm: raw collapsed stacks, summarised here,
and a flame graph (``bench/profile.svg``). Summary:

- self time by package (the innermost frame's package: graphql-core, strawberry, the
  gateway's own layers, asyncio, aiohttp, redis...), which says what kind of work it is;
- inclusive time by package (share of samples where the package is anywhere on the
  stack): what the work is done for;
- the functions with the most self time;
- the gateway's own functions by inclusive time (share of samples they are on the stack).

py-spy pauses the worker for each sample (its default, blocking mode): on this machine
that cost ~2% of throughput, where ``--nonblocking`` lost 5-10% of the samples to
inconsistent reads (and once nearly all of them). Idle samples (waiting in the event
loop's poll) are left out by py-spy, so shares are of CPU actually spent. py-spy must be
in the venv (``.venv/bin/pip install py-spy``); without it the profile is skipped.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.processes import PYTHON

BENCH_DIR = Path(__file__).resolve().parent
SVG = BENCH_DIR / "profile.svg"
_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
OWN_LAYERS = ("gateway", "schema", "resolvers", "adapters")
TOP = 15
_BLOCKED_IN = ("multiprocessing/connection", "multiprocessing/resource_tracker")
MIN_SAMPLES = 1000  # 12 s at 250 Hz of two busy workers gives ~5,000


def py_spy() -> str | None:
    beside = Path(PYTHON).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


@dataclass(frozen=True)
class Profile:
    samples: int
    by_package: list[tuple[str, float]]
    on_stack: list[tuple[str, float]]
    self_top: list[tuple[str, float]]
    own_inclusive: list[tuple[str, float]]


def package_of(file: str) -> str:
    """The package a frame's file belongs to, from py-spy's (shortened) path."""
    path = file.replace("\\", "/")
    if "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    elif "/lib/python3" in path:
        return "stdlib:" + path.rsplit("/", 1)[-1].removesuffix(".py")
    parts = [p for p in path.split("/") if p]
    if not parts:
        return "?"
    top = parts[0].removesuffix(".py")
    if top in OWN_LAYERS:
        return f"{top}/ (ours)"
    if top in ("asyncio", "json", "logging", "re", "typing", "enum", "dataclasses"):
        return "stdlib:" + top
    return top


def _parse(line: str) -> tuple[list[tuple[str, str]], int] | None:
    stack, _, count = line.rstrip().rpartition(" ")
    if not stack or not count.isdigit():
        return None
    frames = []
    for frame in stack.split(";"):
        match = _FRAME.match(frame)
        if match:
            frames.append((match.group("func"), match.group("file")))
        else:
            frames.append((frame, ""))
    return frames, int(count)


def summarise(raw: str) -> Profile:
    by_package: Counter[str] = Counter()
    on_stack: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        parsed = _parse(line)
        if parsed is None:
            continue
        frames, count = parsed
        func, file = frames[-1]
        if file.startswith(_BLOCKED_IN) or (file == "threading.py" and "wait" in func):
            # Threads that live blocked (uvicorn's supervisor and the pong thread of
            # each worker, multiprocessing's resource tracker) are not always seen as
            # idle by py-spy: they are not the workers' request work.
            continue
        total += count
        for package in {package_of(f) for _, f in frames}:
            on_stack[package] += count
        by_package[package_of(file)] += count
        self_time[f"{func} ({file})"] += count
        seen = {f"{f} ({p})" for f, p in frames if package_of(p).endswith("(ours)")}
        for name in seen:
            own[name] += count

    def shares(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(name, n / total) for name, n in counter.most_common(TOP)] if total else []

    # The base every stack has (the worker's main loop) says nothing: left out.
    below_base = Counter({k: n for k, n in on_stack.items() if n < 0.9 * total})
    return Profile(total, shares(by_package), shares(below_base), shares(self_time), shares(own))


def record(
    master: int, seconds: float, workdir: Path, load: Callable[[float], object]
) -> Profile | None:
    """Run py-spy on every worker (``--subprocesses`` of the master) while ``load(s)``
    runs for s seconds: first the raw stacks for ``seconds``, then the flame graph for
    half as long (two recorders cannot share a process). None when py-spy is missing."""
    binary = py_spy()
    if binary is None:
        return None
    raw = workdir / "profile.raw.txt"
    flame_s = max(1, round(seconds / 2))
    passes = [
        (max(1, round(seconds)), ["--format", "raw", "-o", str(raw)]),
        (flame_s, ["--format", "flamegraph", "-o", str(SVG)]),
    ]
    done = threading.Event()

    def spy() -> None:
        with (workdir / "py-spy.log").open("ab") as log:
            for duration, output in passes:
                argv = [binary, "record", "--pid", str(master), "--subprocesses"]
                argv += ["--rate", "250", "--duration", str(duration), *output]
                # run() kills py-spy itself if it overstays.
                with contextlib.suppress(subprocess.TimeoutExpired):
                    subprocess.run(argv, stdout=log, stderr=log, timeout=duration + 60, check=False)
        done.set()

    thread = threading.Thread(target=spy, name="py-spy", daemon=True)
    # py-spy takes a moment to attach: the load starts first and outlasts both passes.
    thread.start()
    load(seconds + flame_s + 4)
    done.wait(timeout=120)
    if not raw.exists():
        return None
    return summarise(raw.read_text())


def markdown(profile: Profile) -> str:
    def table(title: str, entries: list[tuple[str, float]]) -> str:
        lines = [f"| {title} | share |", "|---|---|"]
        lines += [f"| `{name}` | {share:.1%} |" for name, share in entries]
        return "\n".join(lines)

    few = profile.samples < MIN_SAMPLES
    return "\n\n".join(
        [
            f"py-spy, {profile.samples} samples of the workers' CPU during home-warm "
            "(idle left out)."
            + (
                " **Too few samples to read much into: rerun with --profile always.**"
                if few
                else ""
            ),
            table("self time by package", profile.by_package),
            table("on the stack (inclusive) by package", profile.on_stack),
            table("self time by function", profile.self_top),
            table("the gateway's own functions, inclusive", profile.own_inclusive),
        ]
    )
