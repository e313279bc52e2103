"""The soak's load driver: ``python -m bench.soak_load --config c.json --out r.json``.

A process of its own (like wrk in the default run), because it must read the answers:
every top-up's outcome is kept so the soak can compare it with billing's ledger.

``concurrency`` loops run for ``duration`` seconds (and at most ``max_requests``), each
pausing a random ``think_ms`` (exponential) between requests, all to 127.0.0.1. Each
request is one of:

- a home-screen read of a random reader;
- a top-up with a new idempotency key (a new amount, so ledger lines are distinct);
- a top-up repeating an accepted one exactly (same key, number, amount): it must answer
  the same ``topUpId`` and charge nothing;
- a new top-up sent twice at the same moment with one key: one charge, one id;
- a retry of a top-up whose outcome was not known (a timeout, BACKEND_*, a 5xx,
  TEMPORARILY_UNAVAILABLE...), with the same key, as an app would retry.

After the load, the top-ups still unknown are retried (bounded in time) once the faults
have been cleared, so that every top-up ends accepted or refused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench import queries

RETRY_AFTER_S = 2.0
FINAL_PASS_S = 45.0


@dataclass
class TopUp:
    key: str
    msisdn: str
    amount: int
    ids: list[str] = field(default_factory=list)  # every topUpId answered for this key
    refused: list[str] = field(default_factory=list)  # userErrors codes (final)
    unknown: list[str] = field(default_factory=list)  # why an attempt's outcome was unknown
    attempts: int = 0
    repeats: int = 0  # exact repeats after acceptance
    next_try: float = 0.0

    @property
    def settled(self) -> bool:
        return bool(self.ids or self.refused)


@dataclass
class Tally:
    statuses: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    stale_balances: int = 0
    requests: int = 0
    read_ms: list[float] = field(default_factory=list)
    # Every request: (seconds since the start, kind, outcome, ms); outcome is "ok", an
    # error code, "HTTP <status>" or the client's failure (the failover run's windows).
    timeline: list[tuple[float, str, str, float]] = field(default_factory=list)


class Driver:
    def __init__(self, config: dict[str, Any], session: aiohttp.ClientSession) -> None:
        self.url = f"{config['gateway']}/graphql"
        self.readers: list[list[str]] = config["readers"]
        self.payers: list[list[str]] = config["payers"]
        self.tokens = {number: token for number, token in self.payers}
        self.think_ms = float(config["think_ms"])
        self.budget = int(config["max_requests"])
        self.session = session
        self.tally = Tally()
        self.topups: list[TopUp] = []
        self.rng = random.Random(int(config.get("seed", 1)))
        self.nonce = f"{int(time.time())}{self.rng.randrange(10**6)}"
        self.counter = 0
        self.started = time.monotonic()
        self.started_at = time.time()

    def note(self, kind: str, started: float, status: int, parsed: Any) -> None:
        codes = self._codes(parsed)
        if status == 0:
            outcome = str(parsed)
        elif status != 200:
            outcome = f"HTTP {status}"
        else:
            outcome = codes[0] if codes else "ok"
        now = time.monotonic()
        self.tally.timeline.append(
            (round(started - self.started, 3), kind, outcome, round((now - started) * 1000, 1))
        )

    async def post(self, body: str, token: str) -> tuple[int, Any]:
        """One request; (status, parsed body), or (0, reason) when there is no answer."""
        self.tally.requests += 1
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        try:
            async with self.session.post(self.url, data=body, headers=headers) as answer:
                status = answer.status
                text = await answer.read()
        except TimeoutError:
            self.tally.statuses["timeout"] += 1
            return 0, "CLIENT_TIMEOUT"
        except aiohttp.ClientError as exc:
            self.tally.statuses["connection error"] += 1
            return 0, f"CLIENT_{type(exc).__name__}"
        self.tally.statuses[str(status)] += 1
        try:
            return status, json.loads(text)
        except ValueError:
            return status, None

    def _codes(self, parsed: Any) -> list[str]:
        if not isinstance(parsed, dict):
            return []
        return [
            str((e.get("extensions") or {}).get("code", "?"))
            for e in parsed.get("errors") or []
            if isinstance(e, dict)
        ]

    async def read(self) -> None:
        _, token = self.rng.choice(self.readers)
        self.tally.kinds["read"] += 1
        started = time.perf_counter()
        status, parsed = await self.post(queries.home_body(), token)
        self.note("read", started, status, parsed)
        if status == 200:
            self.tally.read_ms.append((time.perf_counter() - started) * 1000)
        for code in self._codes(parsed):
            self.tally.codes[f"read:{code}"] += 1
        me = (parsed or {}).get("data", {}).get("me") if isinstance(parsed, dict) else None
        balance = (me or {}).get("balance") or {}
        if balance.get("stale"):
            self.tally.stale_balances += 1

    def new_topup(self) -> TopUp:
        number, _ = self.rng.choice(self.payers)
        self.counter += 1
        topup = TopUp(f"soak-{self.nonce}-{self.counter}", number, self.rng.randint(10, 500))
        self.topups.append(topup)
        return topup

    async def send(self, topup: TopUp, kind: str) -> None:
        topup.attempts += 1
        # Not due again while this attempt is in flight (another loop would send it too).
        topup.next_try = float("inf")
        self.tally.kinds[kind] += 1
        body = queries.top_up_body(topup.msisdn, topup.key, str(topup.amount))
        started = time.monotonic()
        status, parsed = await self.post(body, self.tokens[topup.msisdn])
        self.note("topup", started, status, parsed)
        codes = self._codes(parsed)
        for code in codes:
            self.tally.codes[f"topUp:{code}"] += 1
        data = (parsed or {}).get("data") if isinstance(parsed, dict) else None
        payload = (data or {}).get("topUp") or {}
        if payload.get("topUpId"):
            topup.ids.append(str(payload["topUpId"]))
        elif payload.get("userErrors"):
            topup.refused += [str(e.get("code")) for e in payload["userErrors"]]
        else:
            # No answer, a 5xx or a GraphQL error: the top-up may or may not have been made.
            reason = parsed if status == 0 else (",".join(codes) or f"HTTP {status}")
            topup.unknown.append(str(reason))
            topup.next_try = time.monotonic() + RETRY_AFTER_S

    async def step(self) -> None:
        due = [t for t in self.topups if not t.settled and t.next_try <= time.monotonic()]
        roll = self.rng.random()
        if due and roll < 0.5:
            await self.send(due[0], "retry")
        elif roll < 0.60:
            await self.read()
        elif roll < 0.85:
            await self.send(self.new_topup(), "topup")
        elif roll < 0.95:
            accepted = [t for t in self.topups[-500:] if t.ids]
            if accepted:
                topup = self.rng.choice(accepted)
                topup.repeats += 1
                await self.send(topup, "repeat")
            else:
                await self.read()
        else:
            topup = self.new_topup()
            await asyncio.gather(self.send(topup, "duplicate"), self.send(topup, "duplicate"))

    async def loop(self, stop_at: float) -> None:
        while time.monotonic() < stop_at and self.budget > 0:
            self.budget -= 1
            await self.step()
            await asyncio.sleep(self.rng.expovariate(1000 / self.think_ms))

    async def final_pass(self, seconds: float) -> None:
        """Retry every top-up still unknown until it settles or time runs out."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pending = [t for t in self.topups if not t.settled]
            if not pending:
                return
            await asyncio.gather(*(self.send(t, "final retry") for t in pending[:50]))
            await asyncio.sleep(1.0)


async def run(config: dict[str, Any]) -> dict[str, Any]:
    # The soak sends SIGUSR1 once every fault is cleared: then unknown top-ups can settle.
    cleared = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, cleared.set)
    timeout = aiohttp.ClientTimeout(total=float(config.get("timeout_s", 15)))
    connector = aiohttp.TCPConnector(limit=int(config["concurrency"]) * 2)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        driver = Driver(config, session)
        started = time.monotonic()
        stop_at = started + float(config["duration"])
        await asyncio.gather(*(driver.loop(stop_at) for _ in range(int(config["concurrency"]))))
        load_s = time.monotonic() - started
        try:
            await asyncio.wait_for(cleared.wait(), timeout=120)
        except TimeoutError:
            print("no SIGUSR1 from the soak: retrying anyway", flush=True)
        await driver.final_pass(FINAL_PASS_S)
    tally = driver.tally
    reads = sorted(tally.read_ms)
    return {
        "load_s": load_s,
        "requests": tally.requests,
        "statuses": dict(tally.statuses),
        "codes": dict(tally.codes),
        "kinds": dict(tally.kinds),
        "stale_balances": tally.stale_balances,
        "read_p50_ms": reads[len(reads) // 2] if reads else 0.0,
        "read_p99_ms": reads[int(len(reads) * 0.99)] if reads else 0.0,
        "topups": [asdict(t) for t in driver.topups],
        "timeline": tally.timeline,
        # Wall clock of the timeline's zero, to line it up with another process's events.
        "started_at": driver.started_at,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.soak_load", description=__doc__)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    result = asyncio.run(run(json.loads(args.config.read_text())))
    args.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
