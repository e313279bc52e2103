"""``python -m bench.failover`` (= ``make failover``): lose Redis nodes under load and
measure what the clients saw, on a Redis Cluster and then on Sentinel
(``--topology cluster|sentinel|both``, both by default, one after the other).

The topologies (bench/topologies.py):

- cluster: three primaries with a replica each (cluster-node-timeout 3 s); the gateway's
  event bus listens on the first node given;
- sentinel: one primary with two replicas and three Sentinels (quorum 2,
  down-after-milliseconds 2000, failover-timeout 6000); the gateway asks the Sentinels
  for the primary, and its event bus listens on that same primary.

Around either: the five simulators (hub events signed), ``serve --workers 2`` with its
listener registered at the hubs, the soak's mixed load (home screens, top-ups with keys,
exact repeats, concurrent duplicates, retries of unknown outcomes) from its own process,
and 20 live balance subscriptions (graphql-transport-ws) on the numbers being topped up.

Faults, relative to the start of the load:

- KILL_AT: SIGKILL of a primary (cluster: one the event bus does not listen on;
  Sentinel: the primary, the bus's node too); restarted at RESTART_AT (it comes back as
  a replica);
- STALL_AT: SIGSTOP for STALL_S seconds, then SIGCONT, of the bus's primary (cluster:
  the first node given; Sentinel: the primary promoted after the kill).

Printed, and written to bench/RESULTS.md (cluster: "Failover", Sentinel: its
"Sentinel" subsection): outcomes per 5 s window by code, 5xx, top-ups sent / OK /
applied / doubled / lost (billing's ledger), per fault the topology's own promotion time
(polled every 50 ms: a surviving node's CLUSTER NODES, or any Sentinel's
GET-MASTER-ADDR-BY-NAME naming another server) and the top-ups Redis refused after it
(writes succeed again = the last of them, to be within 1 s), the share of home screens
answered within 0.5 s during each fault, breakers opened on healthy backends (the
gateway's log), the top-ups the live subscribers' balances reflect per top-up applied
(`reached_by`: each sent balance matched against billing's ledger), the events with a new
balance and, apart, those repeating the balance already sent, subscriptions alive at the
end, worker
memory before the first fault and at the end, and the CPU other programs used meanwhile
(the machine may be shared). `--timeline PATH` keeps every request's time and outcome.

Every process started (redis-servers, Sentinels, simulators, gateway, load driver) is
stopped by its PID at the end, on an error and on Ctrl-C too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import psutil

from bench import report
from bench.load_driver import LoadDriver
from bench.probes import LogWatch, RssSampler, busy_seconds, cpu_seconds
from bench.processes import (
    Gateway,
    StackOptions,
    gateway_env,
    signals_held,
    start_backends,
    stop_all,
)
from bench.scenarios import new_secret
from bench.soak import _ledger, check_ledger, rss_after
from bench.subscribers import Minter, numbers, subscribers
from bench.topologies import TOPOLOGIES, Topology

DURATION_S = 90.0
KILL_AT, RESTART_AT = 20.0, 45.0
STALL_AT, STALL_S = 55.0, 10.0
WINDOW_S = 5.0
FAST_MS = 500.0
CONCURRENCY = 8
THINK_MS = 100.0
LIVE = 20
BALANCE_CHANGED = "subscription($m: Msisdn!) { balanceChanged(msisdn: $m) { money { amount } } }"


@dataclass(frozen=True)
class Reached:
    """What the live subscribers were sent, against billing's ledger."""

    top_ups: int  # applied top-ups whose balance (or a later one) a subscriber was sent
    current: int  # numbers whose last balance sent is billing's last
    numbers: int


def reached_by(ledger: list[dict[str, Any]], last_seen: dict[str, Decimal]) -> Reached:
    """A balance sent covers every top-up of its number up to the ledger line that left the
    balance at that amount: two top-ups landing close together are one event, and still
    both reached the subscriber. Exact while top-ups are the only balance changes (the
    bench's load)."""
    by_number: dict[str, list[Decimal]] = {}
    for line in ledger:  # oldest first
        amount = Decimal(str(line["balanceAfter"]["amount"]))
        by_number.setdefault(line["msisdn"], []).append(amount)
    top_ups = current = 0
    for number, balances in by_number.items():
        seen = last_seen.get(number)
        if seen is None:
            continue
        covered = max((i + 1 for i, after in enumerate(balances) if after == seen), default=0)
        top_ups += covered
        current += covered == len(balances)
    return Reached(top_ups, current, len(by_number))


class LiveSubscribers:
    """LIVE WebSocket subscriptions in a thread of their own, counting what arrives."""

    def __init__(self, url: str, subs: list[tuple[str, str]]) -> None:
        self.url = url.replace("http://", "ws://") + "/graphql"
        self.subs = subs
        self.events: Counter[str] = Counter()  # data `next` with a new balance, per number
        # Data `next` repeating the balance this subscriber already had (a resync's
        # re-read, a duplicated event): not a top-up's event.
        self.repeats: Counter[str] = Counter()
        self._last: dict[str, Any] = {}
        self.errors: Counter[str] = Counter()  # error `next` by code
        self.ended: dict[str, str] = {}  # number -> why it ended
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    def __enter__(self) -> LiveSubscribers:
        self._thread.start()
        self._ready.wait(30)
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(30)

    def last_amounts(self) -> dict[str, Decimal]:
        """The last balance each subscriber was sent, by number."""
        return {n: Decimal(str(b["money"]["amount"])) for n, b in self._last.items()}

    @property
    def alive(self) -> int:
        return len(self.subs) - len(self.ended)

    async def _main(self) -> None:
        async with aiohttp.ClientSession() as session:
            started = [asyncio.Event() for _ in self.subs]
            tasks = [
                asyncio.create_task(self._one(session, number, token, ready))
                for (number, token), ready in zip(self.subs, started, strict=True)
            ]
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in started)), 30)
            self._ready.set()
            # The stop comes from another thread: waited for in a worker thread.
            await asyncio.to_thread(self._stop.wait)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _one(
        self, session: aiohttp.ClientSession, number: str, token: str, ready: asyncio.Event
    ) -> None:
        try:
            async with session.ws_connect(self.url, protocols=("graphql-transport-ws",)) as ws:
                await ws.send_json(
                    {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
                )
                await ws.receive_json(timeout=10)  # connection_ack
                payload = {"query": BALANCE_CHANGED, "variables": {"m": number}}
                await ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
                ready.set()
                async for message in ws:
                    if message.type != aiohttp.WSMsgType.TEXT:
                        break
                    data = json.loads(message.data)
                    if data.get("type") == "ping":
                        await ws.send_json({"type": "pong"})
                    elif data.get("type") == "next":
                        errors = data["payload"].get("errors")
                        if errors:
                            for error in errors:
                                self.errors[str(error.get("extensions", {}).get("code"))] += 1
                        else:
                            balance = data["payload"]["data"]["balanceChanged"]
                            if number in self._last and self._last[number] == balance:
                                self.repeats[number] += 1
                            else:
                                self.events[number] += 1
                            self._last[number] = balance
                    elif data.get("type") in ("complete", "error"):
                        self.ended[number] = str(data.get("type"))
                        return
                self.ended[number] = f"closed {ws.close_code}"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # whatever ended it is the figure
            ready.set()
            self.ended[number] = type(exc).__name__


def _windows(timeline: list[list[Any]]) -> list[str]:
    by_window: dict[int, Counter[str]] = defaultdict(Counter)
    for at, kind, outcome, _ms in timeline:
        by_window[int(at // WINDOW_S)][f"{kind}:{outcome}"] += 1
    lines = []
    for window in sorted(by_window):
        counts = by_window[window]
        text = ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
        lines.append(f"{window * WINDOW_S:5.0f}-{(window + 1) * WINDOW_S:3.0f} s: {text}")
    return lines


# What a lost Redis node makes a top-up answer (a backend's own timeout is not counted,
# nor a request the client gave up on: on a loaded machine those come without any fault).
_REDIS_FAILED = frozenset({"TEMPORARILY_UNAVAILABLE", "INTERNAL_SERVER_ERROR"})


def _refused(timeline: list[list[Any]], start: float, until: float) -> list[float]:
    """When the top-ups sent in [start, until) that Redis failed were sent."""
    return sorted(
        at
        for at, kind, outcome, _ in timeline
        if kind == "topup"
        and start <= at < until
        and (outcome in _REDIS_FAILED or outcome.startswith("HTTP 5"))
    )


def _unanswered(timeline: list[list[Any]], start: float, until: float) -> int:
    return sum(
        1
        for at, kind, outcome, _ in timeline
        if kind == "topup" and start <= at < until and outcome.startswith("CLIENT")
    )


def _fast_share(timeline: list[list[Any]], start: float, until: float) -> tuple[int, int]:
    reads = [
        (outcome, ms)
        for at, kind, outcome, ms in timeline
        if kind == "read" and start <= at < until
    ]
    fast = sum(1 for outcome, ms in reads if outcome == "ok" and ms <= FAST_MS)
    return fast, len(reads)


def run(args: argparse.Namespace, topology: Topology) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="tgw-failover-"))
    hub_secret = new_secret()
    stack = StackOptions(
        size=args.size, latency_ms=args.latency_ms, secret=new_secret(), hub_secret=hub_secret
    )
    minter = Minter(stack.secret, 6 * 3600)
    backends = gateway = None
    driver = LoadDriver(workdir, "failover")
    print(f"failover: {topology.title}", flush=True)
    try:
        topology.start()
        backends = start_backends(stack, workdir)
        env = gateway_env(stack, backends, "", workdir, args.workers)
        env.pop("REDIS_URL", None)
        gateway = Gateway(args.workers, env, workdir)
        assert gateway.process.env is not None
        gateway.process.env.update(
            **topology.gateway_settings(), TGW_HUB_SECRET=hub_secret, TGW_CALLBACK_URL=gateway.url
        )
        gateway.start()
        rng = random.Random(7)
        readers = subscribers(minter, numbers(args.size, 500, rng))
        payers = subscribers(minter, numbers(args.size, LIVE, rng))
        log = LogWatch(gateway.process.log_path)
        log.mark()
        events: list[str] = []
        promoted: dict[str, float | None] = {}
        with (
            RssSampler(gateway.worker_processes) as rss,
            LiveSubscribers(gateway.url, [(s.msisdn, s.token) for s in payers]) as live,
        ):
            # Every process of the run is a descendant of this one (the driver apart: its
            # CPU is the kernel's count when it is reaped); the rest of the machine's busy
            # CPU is other programs'.
            ours_before, busy_before = _tree_cpu(), busy_seconds()
            driver.start(
                gateway.url, readers, payers, DURATION_S, CONCURRENCY, THINK_MS, timeout_s=10
            )
            started = time.monotonic()
            started_at = time.time()

            def at(moment: float, what: str) -> None:
                time.sleep(max(0.0, started + moment - time.monotonic()))
                events.append(f"{time.monotonic() - started:5.1f} s  {what}")
                print(events[-1], flush=True)

            at(0, "load on")
            victim = topology.kill_victim()
            at(KILL_AT - 0.5, f"watching {topology.view}")
            watch = topology.watch(victim, started)
            at(KILL_AT, f"SIGKILL {topology.kill_label} :{victim.port}")
            victim.kill()
            at(RESTART_AT, f"restart :{victim.port}")
            promoted["kill"] = watch.close()
            topology.restart(victim)
            stalled = topology.stall_victim()
            at(STALL_AT - 0.5, f"watching {topology.view}")
            watch = topology.watch(stalled, started)
            at(STALL_AT, f"SIGSTOP {topology.stall_label} :{stalled.port}")
            stalled.pause()
            at(STALL_AT + STALL_S, f"SIGCONT :{stalled.port}")
            promoted["stall"] = watch.close()
            stalled.resume()
            driver_cpu = driver.finish()
            at(time.monotonic() - started, "load off")
            others = (busy_seconds() - busy_before) - (_tree_cpu() - ours_before) - driver_cpu
            others_cores = max(0.0, others) / (time.monotonic() - started)
            alive = live.alive
            ended = dict(live.ended)
            live_events = (sum(live.events.values()), sum(live.repeats.values()))
            last_seen = live.last_amounts()
            live_errors = dict(live.errors)
        result = driver.result()
        # The driver's clock starts when its process is up, a moment after ours: its
        # timeline is moved onto ours, so that the fault windows line up.
        shift = float(result["started_at"]) - started_at
        result["timeline"] = [[at + shift, *rest] for at, *rest in result["timeline"]]
        ledger = _ledger(backends.urls["billing"])
        check = check_ledger(result["topups"], ledger)
        return _finish(
            args,
            topology,
            result,
            check,
            ledger,
            rss,
            log,
            events,
            alive,
            ended,
            live_events,
            reached_by(ledger, last_seen),
            live_errors,
            promoted,
            others_cores,
        )
    finally:
        with signals_held():
            stop_all(driver, gateway, backends)
            topology.cleanup()
            shutil.rmtree(workdir, ignore_errors=True)


def _tree_cpu() -> float:
    """CPU seconds of this process and every live process under it."""
    me = psutil.Process()
    return cpu_seconds([me, *me.children(recursive=True)])


def _finish(
    args: argparse.Namespace,
    topology: Topology,
    result: dict[str, Any],
    check: Any,
    ledger: list[dict[str, Any]],
    rss: RssSampler,
    log: LogWatch,
    events: list[str],
    alive: int,
    ended: dict[str, str],
    live_events: tuple[int, int],
    reached: Reached,
    live_errors: dict[str, int],
    promoted: dict[str, float | None],
    others_cores: float,
) -> int:
    timeline = result["timeline"]
    statuses: dict[str, int] = result["statuses"]
    server_errors = sum(n for status, n in statuses.items() if status.startswith("5"))
    sent = sum(1 for row in timeline if row[1] == "topup")
    ok = sum(1 for row in timeline if row[1] == "topup" and row[2] == "ok")
    # Refusals with no fault at all (Redis slow on a loaded machine): the floor.
    baseline = len(_refused(timeline, KILL_AT - 15, KILL_AT))
    kill_fast, kill_reads = _fast_share(timeline, KILL_AT, KILL_AT + 10)
    stall_fast, stall_reads = _fast_share(timeline, STALL_AT, STALL_AT + STALL_S)
    lines = log.since()
    opened: Counter[str] = Counter()
    with log.path.open("rb") as whole:
        whole.seek(log.offset)
        for line in whole.read().decode(errors="replace").splitlines():
            if "circuit breaker of" in line and "is now open" in line:
                opened[line.split("circuit breaker of", 1)[1].split()[0]] += 1
    healthy_opened = {k: v for k, v in opened.items() if k != "redis"}
    new_balances, repeats = live_events
    per_topup = reached.top_ups / max(1, len(ledger))

    def after_promotion(what: str, start: float, until: float) -> str:
        promotion = promoted.get(what)
        refused = _refused(timeline, start, until)
        unanswered = _unanswered(timeline, start, until)
        text = f"{what}: {len(refused)} top-ups refused, {unanswered} unanswered"
        if promotion is None:
            return text + "; no promotion seen"
        text += f"; promoted at +{promotion - start:.2f} s ({topology.view})"
        first_ok = min(
            (
                at
                for at, kind, outcome, _ in timeline
                if kind == "topup" and outcome == "ok" and at >= promotion
            ),
            default=None,
        )
        if first_ok is not None:
            text += f"; the first top-up sent after it OK at {first_ok - promotion:+.2f} s"
        later = [round(at - promotion, 2) for at in refused if at >= promotion]
        if not later:
            return text + "; no top-up refused after the promotion (within 1 s)"
        verdict = "within" if later[-1] <= 1.0 else "NOT within"
        return (
            text + f"; refused after the promotion: {len(later)}, at +s {later[:12]}; writes "
            f"succeed again {later[-1]:+.2f} s after the promotion ({verdict} 1 s)"
        )

    mem_end = rss.last_mb
    facts = [
        f"requests: {result['requests']} in {result['load_s']:.0f} s; by status "
        f"{json.dumps(statuses)}; 5xx: {server_errors}",
        f"top-ups: {sent} sent, {ok} answered OK, {check.accepted} keys accepted, "
        f"{len(ledger)} applied at billing; doubled {len(check.doubled)}, lost "
        f"{len(check.lost)}, unacknowledged {len(check.unacknowledged)}; still unknown "
        f"at the end {check.unsettled}",
        f"promotion vs writes ({topology.bounds}; a top-up's time is when it was "
        f"sent; {baseline} refused in the 15 s before any fault): "
        + after_promotion("kill", KILL_AT, RESTART_AT)
        + "; "
        + after_promotion("stall", STALL_AT, STALL_AT + STALL_S + 10),
        f"home screens within {FAST_MS:.0f} ms: {kill_fast} of {kill_reads} in the 10 s after "
        f"the kill, {stall_fast} of {stall_reads} during the stall",
        f"breakers opened: healthy backends {dict(healthy_opened) or 'none'}, redis "
        f"{opened.get('redis', 0)} times",
        f"live: the balances sent reflect {reached.top_ups} of {len(ledger)} top-ups applied "
        f"at billing = {per_topup:.3f} per top-up per subscriber; the last balance sent is "
        f"billing's last for {reached.current} of {reached.numbers} numbers; "
        f"{new_balances} events with a new balance (top-ups landing together are one), "
        f"{repeats} repeating the balance already sent (resyncs, duplicates); error events "
        f"{live_errors or 'none'}; subscriptions alive at the end {alive} of {LIVE}"
        + (f" (ended: {ended})" if ended else ""),
        "worker memory before the first fault: "
        + ", ".join(f"{mb:.0f} MB" for mb in rss_after(rss.series, KILL_AT - 5).values())
        + "; at the end: "
        + ", ".join(f"{mb:.0f} MB" for mb in mem_end.values())
        + f" (peak {rss.peak_mb:.0f} MB)",
        f"other programs on the machine (shared): {others_cores:.2f} cores on average "
        "during the load",
    ]
    windows = _windows(timeline)
    print("\n".join(["", *facts, "", "per window:", *windows]))
    if args.timeline:
        Path(args.timeline).write_text(
            json.dumps({"timeline": timeline, "promoted": promoted, "events": events})
        )
    if not args.no_results:
        head, sub = "#" * topology.level, "#" * (topology.level + 1)
        parts = [
            f"{head} {topology.heading}",
            f"`make failover` (`python -m bench.failover --topology {topology.name}`): "
            f"{topology.title}; `serve --workers {args.workers}`, {CONCURRENCY} clients "
            f"pausing ~{THINK_MS:g} ms, backends at {args.latency_ms:g} ms, {LIVE} live "
            "balance subscriptions on the numbers topped up.",
            report.facts_markdown(report.machine_facts()),
            f"{sub} Figures",
            "\n".join(f"- {f}" for f in facts),
            f"{sub} Timeline",
            "```\n" + "\n".join(events) + "\n```",
            f"{sub} Outcomes per window (kind:outcome count)",
            "```\n" + "\n".join(windows) + "\n```",
            f"{sub} The gateway's log (most frequent lines)",
            "\n".join(f"- {n}x `{line}`" for line, n in lines.most_common(10)) or "- none",
        ]
        report.write_section(topology.section, "\n\n".join(parts))
        print(f"wrote {report.RESULTS}")
    return 0 if server_errors == 0 and check.passed else 1


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.failover", description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    parser.add_argument(
        "--timeline", help="write the requests' timeline and the promotions to this JSON file"
    )
    parser.add_argument(
        "--topology",
        choices=[*TOPOLOGIES, "both"],
        default="both",
        help="the Redis topology to lose nodes of (both: the cluster, then Sentinel)",
    )
    args = parser.parse_args()
    names = list(TOPOLOGIES) if args.topology == "both" else [args.topology]
    # One after the other, each with processes of its own; a failed run does not stop the
    # next one, the exit status says whether any failed.
    codes = [run(args, TOPOLOGIES[name]()) for name in names]
    raise SystemExit(max(codes))


if __name__ == "__main__":
    main()
