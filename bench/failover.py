"""``python -m bench.failover`` (= ``make failover``): lose Redis nodes under load and
measure what the clients saw.

A Redis Cluster of three primaries with a replica each (cluster-node-timeout 3 s), the
five simulators (hub events signed), ``serve --workers 2`` on the cluster with its
listener registered at the hubs, the soak's mixed load (home screens, top-ups with keys,
exact repeats, concurrent duplicates, retries of unknown outcomes) from its own process,
and 20 live balance subscriptions (graphql-transport-ws) on the numbers being topped up.

Faults, relative to the start of the load:

- KILL_AT: SIGKILL of a primary the event bus does not listen on; restarted at
  RESTART_AT (it comes back as a replica);
- STALL_AT: SIGSTOP of the primary the event bus listens on (the first node given) for
  STALL_S seconds, then SIGCONT.

Printed, and written to bench/RESULTS.md: outcomes per 5 s window by code, 5xx, top-ups
sent / OK / applied / doubled / lost (billing's ledger), per fault the cluster's own
promotion time (a surviving node's CLUSTER NODES, polled every 50 ms) and the top-ups
Redis refused after it (writes succeed again = the last of them, to be within 1 s), the
share of home screens answered within 0.5 s during each fault, breakers opened on healthy
backends (the gateway's log), live balance events with a new balance per top-up per
subscriber and, apart, those repeating the balance already sent, subscriptions alive at
the end, worker memory. `--timeline PATH` keeps every request's time and outcome.

Sentinel is not part of this run (tests/chaos/test_redis_sentinel.py covers it).
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
from pathlib import Path
from typing import Any

import aiohttp

from bench import report
from bench.load_driver import LoadDriver
from bench.probes import LogWatch, RssSampler
from bench.processes import (
    Gateway,
    StackOptions,
    gateway_env,
    signals_held,
    start_backends,
    stop_all,
)
from bench.scenarios import new_secret
from bench.soak import _ledger, check_ledger
from bench.subscribers import Minter, numbers, subscribers
from tests.harness.redis_cluster import RedisCluster

DURATION_S = 90.0
KILL_AT, RESTART_AT = 20.0, 45.0
STALL_AT, STALL_S = 55.0, 10.0
WINDOW_S = 5.0
FAST_MS = 500.0
CONCURRENCY = 8
THINK_MS = 100.0
LIVE = 20
BALANCE_CHANGED = "subscription($m: Msisdn!) { balanceChanged(msisdn: $m) { money { amount } } }"


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


class PromotionWatch:
    """The cluster's own promotion time: polls CLUSTER NODES on a surviving node every
    50 ms, from just before a fault, until a replica of the faulted primary is a primary."""

    def __init__(self, faulted: Any, survivor: Any, started: float) -> None:
        import redis

        self._client = redis.Redis(port=survivor.port, socket_timeout=0.5)
        self._started = started
        faulted_id = _myid(faulted.port)
        # A fresh cluster's replicas show up as such a moment after it starts.
        deadline = time.monotonic() + 10
        self._replicas: set[str] = set()
        while not self._replicas and time.monotonic() < deadline:
            self._replicas = {
                fields[0]
                for fields in self._nodes()
                if len(fields) > 3 and fields[3] == faulted_id and "slave" in fields[2]
            }
            time.sleep(0.05)
        self.promoted_at: float | None = None  # seconds since the load began
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _nodes(self) -> list[list[str]]:
        text = self._client.execute_command("CLUSTER", "NODES")  # type: ignore[no-untyped-call]
        text = text.decode() if isinstance(text, bytes) else str(text)
        return [line.split() for line in text.splitlines() if line.strip()]

    def _poll(self) -> None:
        while not self._stop.is_set():
            try:
                promoted = any(
                    fields[0] in self._replicas and "master" in fields[2]
                    for fields in self._nodes()
                )
            except Exception:  # a busy survivor: look again
                promoted = False
            if promoted:
                self.promoted_at = time.monotonic() - self._started
                return
            self._stop.wait(0.05)

    def close(self) -> float | None:
        self._stop.set()
        self._thread.join(5)
        self._client.close()
        return self.promoted_at


def _myid(port: int) -> str:
    import redis

    client = redis.Redis(port=port, socket_timeout=2)
    try:
        answer = client.execute_command("CLUSTER MYID")  # type: ignore[no-untyped-call]
        return answer.decode() if isinstance(answer, bytes) else str(answer)
    finally:
        client.close()


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


def run(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="tgw-failover-"))
    hub_secret = new_secret()
    stack = StackOptions(
        size=args.size, latency_ms=args.latency_ms, secret=new_secret(), hub_secret=hub_secret
    )
    minter = Minter(stack.secret, 6 * 3600)
    cluster = RedisCluster(replicas=1, node_timeout_ms=3000)
    cluster.start()
    primaries = cluster.primaries()
    bus_node, victim = primaries[0], primaries[1]
    # The bus listens on the first node given: the one stalled later.
    order = [bus_node, *[n for n in cluster.nodes if n is not bus_node]]
    backends = gateway = None
    driver = LoadDriver(workdir, "failover")
    try:
        backends = start_backends(stack, workdir)
        env = gateway_env(stack, backends, "", workdir, args.workers)
        env.pop("REDIS_URL", None)
        gateway = Gateway(args.workers, env, workdir)
        assert gateway.process.env is not None
        gateway.process.env.update(
            TGW_REDIS_CLUSTER_NODES=json.dumps([f"127.0.0.1:{n.port}" for n in order]),
            TGW_HUB_SECRET=hub_secret,
            TGW_CALLBACK_URL=gateway.url,
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
            driver.start(
                gateway.url, readers, payers, DURATION_S, CONCURRENCY, THINK_MS, timeout_s=10
            )
            started = time.monotonic()
            started_at = time.time()

            def at(moment: float, what: str) -> None:
                time.sleep(max(0.0, started + moment - time.monotonic()))
                events.append(f"{time.monotonic() - started:5.1f} s  {what}")
                print(events[-1], flush=True)

            # A node that is faulted by neither fault tells when the cluster promoted.
            survivor = next(n for n in primaries if n is not bus_node and n is not victim)
            at(0, "load on")
            at(KILL_AT - 0.5, "watching the cluster's view")
            watch = PromotionWatch(victim, survivor, started)
            at(KILL_AT, f"SIGKILL primary :{victim.port}")
            victim.kill()
            at(RESTART_AT, f"restart :{victim.port}")
            promoted["kill"] = watch.close()
            cluster.restart(victim)
            at(STALL_AT - 0.5, "watching the cluster's view")
            watch = PromotionWatch(bus_node, survivor, started)
            at(STALL_AT, f"SIGSTOP the bus's primary :{bus_node.port}")
            bus_node.pause()
            at(STALL_AT + STALL_S, f"SIGCONT :{bus_node.port}")
            promoted["stall"] = watch.close()
            bus_node.resume()
            driver.finish()
            at(time.monotonic() - started, "load off")
            alive = live.alive
            ended = dict(live.ended)
            live_events = (sum(live.events.values()), sum(live.repeats.values()))
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
            result,
            check,
            ledger,
            rss,
            log,
            events,
            alive,
            ended,
            live_events,
            live_errors,
            promoted,
        )
    finally:
        with signals_held():
            stop_all(driver, gateway, backends)
            cluster.cleanup()
            shutil.rmtree(workdir, ignore_errors=True)


def _finish(
    args: argparse.Namespace,
    result: dict[str, Any],
    check: Any,
    ledger: list[dict[str, Any]],
    rss: RssSampler,
    log: LogWatch,
    events: list[str],
    alive: int,
    ended: dict[str, str],
    live_events: tuple[int, int],
    live_errors: dict[str, int],
    promoted: dict[str, float | None],
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
    per_topup = new_balances / max(1, len(ledger))

    def after_promotion(what: str, start: float, until: float) -> str:
        promotion = promoted.get(what)
        refused = _refused(timeline, start, until)
        unanswered = _unanswered(timeline, start, until)
        text = f"{what}: {len(refused)} top-ups refused, {unanswered} unanswered"
        if promotion is None:
            return text + "; no promotion seen"
        text += f"; promoted at +{promotion - start:.2f} s (a surviving node's view)"
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
        "promotion vs writes (cluster-node-timeout 3 s; a top-up's time is when it was "
        f"sent; {baseline} refused in the 15 s before any fault): "
        + after_promotion("kill", KILL_AT, RESTART_AT)
        + "; "
        + after_promotion("stall", STALL_AT, STALL_AT + STALL_S + 10),
        f"home screens within {FAST_MS:.0f} ms: {kill_fast} of {kill_reads} in the 10 s after "
        f"the kill, {stall_fast} of {stall_reads} during the stall",
        f"breakers opened: healthy backends {dict(healthy_opened) or 'none'}, redis "
        f"{opened.get('redis', 0)} times",
        f"live: {new_balances} balance events with a new balance for {len(ledger)} top-ups "
        f"= {per_topup:.3f} per top-up per subscriber; {repeats} more repeating the balance "
        f"the subscriber already had (resyncs, duplicated events); error events "
        f"{live_errors or 'none'}; subscriptions alive at the end {alive} of {LIVE}"
        + (f" (ended: {ended})" if ended else ""),
        "worker memory at the end: "
        + ", ".join(f"{mb:.0f} MB" for mb in mem_end.values())
        + f" (peak {rss.peak_mb:.0f} MB)",
    ]
    windows = _windows(timeline)
    print("\n".join(["", *facts, "", "per window:", *windows]))
    if args.timeline:
        Path(args.timeline).write_text(
            json.dumps({"timeline": timeline, "promoted": promoted, "events": events})
        )
    if not args.no_results:
        parts = [
            "## Failover",
            f"`make failover` (`python -m bench.failover`): Redis Cluster 3 primaries + 3 "
            f"replicas, `serve --workers {args.workers}`, {CONCURRENCY} clients pausing "
            f"~{THINK_MS:g} ms, backends at {args.latency_ms:g} ms, {LIVE} live balance "
            "subscriptions on the numbers topped up.",
            report.facts_markdown(report.machine_facts()),
            "### Figures",
            "\n".join(f"- {f}" for f in facts),
            "### Timeline",
            "```\n" + "\n".join(events) + "\n```",
            "### Outcomes per window (kind:outcome count)",
            "```\n" + "\n".join(windows) + "\n```",
            "### The gateway's log (most frequent lines)",
            "\n".join(f"- {n}x `{line}`" for line, n in lines.most_common(10)) or "- none",
        ]
        report.write_section("failover", "\n\n".join(parts))
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
    raise SystemExit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
