"""``python -m bench.money_soak --seconds 60``: the money path under random faults on both
systems and gateway restarts, for each billing dialect; then: sum charged == sum
credited, and nothing doubled.

In one process, for speed on a shared 2-core box: the simulators (payments, and billing
in the dialect under test) on loopback ports, a real Redis (``REDIS_URL``; run it under
``scripts/with-redis.sh``) holding the saga log, and the gateway's runtime driving
top-ups through its saga runner (``start_runtime``; the HTTP edge is not what is
measured here). Concurrent payers top up with fresh keys and retry with the same key
until an outcome; every few seconds a fault is switched (billing: lost answers, 5xx,
refused credits; payments: lost or failed authorizations and captures) and every
``--restart`` seconds the runtime is dropped mid-flight (its tasks cancelled, leases
left to run out) and a fresh one started on the same Redis. At the end the recovery
worker is given time to finish every open saga, then the books are compared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import sys
import time
from collections import Counter
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import aiohttp
from aiohttp import web

from backends.billing.app import create_app as create_v4_app
from backends.config import ServiceConfig
from backends.dataset import build_world, msisdn_of
from backends.ocs.app import create_app as create_ocs_app
from backends.ocs.auth import DEFAULT_PASSWORD, DEFAULT_USERNAME
from domain.money import Money
from domain.payments import MethodKind, PaymentMethodSpec
from gateway.runtime import Runtime, start_runtime
from gateway.settings import Settings
from resolvers.money.top_up_saga import TopUpSagas

WORLD = 200
PAYERS = 24
SETTLE_LIMIT_S = 60.0
BILLING_FAULTS: list[dict[str, Any]] = [
    {"lose_answer": True},
    {"error_rate": 0.3},
    {"refuse_path": "alanceTopup"},  # OCS's balanceTopup
    {"refuse_path": "topupBalance"},  # v4's
    {},
]
PAYMENT_FAULTS: list[dict[str, str]] = [
    {"authorize": "lose"},
    {"capture": "lose"},
    {"capture": "error"},
    {"authorize": "error"},
    {"capture": "refuse"},
    {},
]
CLEAR_BILLING = {"lose_answer": False, "error_rate": 0.0, "refuse_path": ""}
CLEAR_PAYMENTS = {"authorize": "", "capture": "", "void": "", "refund": ""}


@dataclass
class Tally:
    asked: int = 0
    attempts: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    restarts: int = 0
    faults: int = 0


async def _serve(stack: AsyncExitStack, app: web.Application) -> str:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return f"http://127.0.0.1:{runner.addresses[0][1]}"


async def _put(http: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> None:
    async with http.put(url, json=body) as answer:
        answer.raise_for_status()


async def run(dialect: str, seconds: float, restart_every: float, redis_url: str) -> dict[str, Any]:
    world = build_world(WORLD, 7)
    config = ServiceConfig(size=WORLD, seed=7, world=world)
    rng = random.Random(22)
    tally = Tally()
    namespace = f"money-soak-{secrets.token_hex(4)}"
    async with AsyncExitStack() as stack, aiohttp.ClientSession() as http:
        payments_url = await _serve(stack, create_v4_app(config))
        billing_url = (
            await _serve(stack, create_ocs_app(config))
            if dialect == "sigscale-ocs"
            else payments_url
        )
        settings = Settings(
            _env_file=None,
            billing_dialect=dialect,
            billing_url=billing_url,
            payments_url=payments_url,
            billing_username=DEFAULT_USERNAME,
            billing_password=DEFAULT_PASSWORD,
            billing_timeout=1.0,
            redis_url=redis_url,
            cache_namespace=namespace,
            saga_lease_seconds=3.0,
            # Well past the timeout: a credit that timed out may still land at billing
            # while the box is loaded; resent too early, OCS would credit it twice.
            saga_settle_seconds=5.0,
            saga_recovery_interval=0.2,
            breaker_failures=10_000,
            access_log=False,
        )
        runtime: Runtime = await start_runtime(settings)
        method = PaymentMethodSpec(MethodKind.CARD_TOKEN, "tok_visa")
        stop_at = time.monotonic() + seconds

        round_over = asyncio.Event()

        async def payer(index: int) -> None:
            # The flag as well as the cancellation: client libraries have been seen to
            # swallow a cancellation, which would keep a "dead" process's payer going.
            while time.monotonic() < stop_at and not round_over.is_set():
                msisdn = msisdn_of(rng.randrange(1, WORLD))
                amount = Money(Decimal(rng.randrange(10, 500)), "RUB")
                key = secrets.token_hex(8)
                tally.asked += 1
                while True:  # the client's retry, same key, until an outcome
                    tally.attempts += 1
                    sagas = runtime.ports.top_ups
                    assert sagas is not None
                    try:
                        saga = await sagas.top_up(
                            f"tgw-{key}-saga",
                            msisdn,
                            amount,
                            method,
                            f"tgw-{key}-payment",
                            f"tgw-{key}-topup",
                        )
                    except asyncio.CancelledError:
                        raise
                    except Exception:
                        await asyncio.sleep(0.2)
                        if round_over.is_set():
                            return
                        if time.monotonic() > stop_at + SETTLE_LIMIT_S:
                            tally.outcomes["gave up"] += 1
                            break
                        continue
                    tally.outcomes[saga.step.value] += 1
                    break

        async def faults() -> None:
            while time.monotonic() < stop_at:
                await _put(
                    http,
                    f"{billing_url}/admin/faults",
                    {**CLEAR_BILLING, **rng.choice(BILLING_FAULTS)},
                )
                await _put(
                    http,
                    f"{payments_url}/admin/payment-faults",
                    {**CLEAR_PAYMENTS, **rng.choice(PAYMENT_FAULTS)},
                )
                tally.faults += 1
                await asyncio.sleep(rng.uniform(0.5, 2.0))
            await _put(http, f"{billing_url}/admin/faults", CLEAR_BILLING)
            await _put(http, f"{payments_url}/admin/payment-faults", CLEAR_PAYMENTS)

        started = time.monotonic()
        fault_task = asyncio.create_task(faults())
        while time.monotonic() < stop_at:
            round_over.clear()
            payers = [asyncio.create_task(payer(i)) for i in range(PAYERS)]
            await asyncio.sleep(min(restart_every, max(0.0, stop_at - time.monotonic())))
            if time.monotonic() < stop_at:
                # A restart: whatever was in flight dies where it stood.
                round_over.set()
                for task in payers:
                    task.cancel()
                await asyncio.gather(*payers, return_exceptions=True)
                await runtime.close()
                runtime = await start_runtime(settings)
                tally.restarts += 1
            else:
                await asyncio.gather(*payers, return_exceptions=True)
        await fault_task
        sagas = runtime.ports.top_ups
        assert sagas is not None
        open_left = await _settle(sagas)
        books = await _books(http, dialect, billing_url, payments_url, world.size)
        await runtime.close()
    taken, credited, held = books
    return {
        "dialect": dialect,
        "seconds": round(time.monotonic() - started, 1),
        "top-ups asked": tally.asked,
        "attempts (with retries)": tally.attempts,
        "outcomes seen by clients": dict(tally.outcomes),
        "restarts": tally.restarts,
        "fault switches": tally.faults,
        "sagas open at the end": open_left,
        "charged (captured - refunded)": str(taken),
        "credited": str(credited),
        "authorizations left held": held,
        "books agree": taken == credited and open_left == 0 and held == 0,
    }


async def _settle(sagas: TopUpSagas) -> int:
    deadline = time.monotonic() + SETTLE_LIMIT_S
    while time.monotonic() < deadline:
        left = await sagas.log.open_ids(1000)
        if not left:
            return 0
        await asyncio.sleep(0.5)
    left = await sagas.log.open_ids(1000)
    for saga_id in left:
        raw = await sagas.log.load(saga_id)
        ANOMALIES.append(f"still open: {raw!r}")
    return len(left)


async def _books(
    http: aiohttp.ClientSession, dialect: str, billing_url: str, payments_url: str, size: int
) -> tuple[Decimal, Decimal, int]:
    auth = {"Authorization": aiohttp.encode_basic_auth(DEFAULT_USERNAME, DEFAULT_PASSWORD)}

    async def get(url: str, params: dict[str, str]) -> Any:
        async with http.get(url, params=params, headers={**auth, "Range": "items=1-1000"}) as a:
            a.raise_for_status()
            return await a.json(content_type=None)

    taken, credited, held = Decimal(0), Decimal(0), 0
    numbers = [msisdn_of(i) for i in range(1, size)]
    payments = await get(
        f"{payments_url}/tmf-api/paymentManagement/v4/payment", {"account.id": ",".join(numbers)}
    )
    by_key = {str(p.get("correlatorId", "")).removesuffix("-payment"): p for p in payments}
    names: Counter[str] = Counter()
    for payment in payments:
        if payment["status"] in ("captured", "succeeded"):
            taken += Decimal(str(payment["totalAmount"]["value"]))
        if payment["status"] == "authorized":
            held += 1
        if payment.get("refundedAmount"):
            taken -= Decimal(str(payment["refundedAmount"]["value"]))
    for msisdn in numbers:
        if dialect == "sigscale-ocs":
            service = await get(
                f"{billing_url}/serviceInventoryManagement/v2/service/{msisdn[1:]}", {}
            )
            for bucket in await get(
                f"{billing_url}/balanceManagement/v1/bucket", {"product.id": service["product"]}
            ):
                name = str(bucket.get("name", ""))
                if name.startswith("tgw-"):
                    credited += Decimal(bucket["remainedAmount"]["amount"])
                    names[name] += 1
                    paid = by_key.get(name.removesuffix("-topup"), {})
                    if paid.get("status") not in ("captured", "succeeded"):
                        ANOMALIES.append(f"{name}: credited, payment {paid.get('status')}")
        else:
            for topup in await get(
                f"{billing_url}/tmf-api/prepayBalanceManagement/v4/topupBalance",
                {"logicalResource.id": msisdn},
            ):
                if topup["status"] == "completed" and not topup.get("isAutoTopup"):
                    credited += Decimal(str(topup["amount"]["amount"]))
    ANOMALIES.extend(f"{name}: {n} credits" for name, n in names.items() if n > 1)
    return taken, credited, held


ANOMALIES: list[str] = []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--restart", type=float, default=7.0, help="seconds between restarts")
    parser.add_argument("--dialect", choices=["tmf-v4", "sigscale-ocs", "both"], default="both")
    args = parser.parse_args(argv)
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        print("REDIS_URL is required (run under scripts/with-redis.sh)", file=sys.stderr)
        return 2
    dialects = ["tmf-v4", "sigscale-ocs"] if args.dialect == "both" else [args.dialect]
    results = [asyncio.run(run(d, args.seconds, args.restart, redis_url)) for d in dialects]
    print(json.dumps(results, indent=2))
    if ANOMALIES:
        print("anomalies:", *ANOMALIES[:20], sep="\n  ")
    return 0 if all(r["books agree"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
