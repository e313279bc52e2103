"""The home screen without the gateway: a naive client calling the backends itself.

``python -m bench.naive --config naive.json --out result.json`` (the bench runs it as a
process of its own, like wrk). Each request of the naive client is what an app would do
to draw the home screen from the TMF APIs directly, one call after the other:

1. billing: the number's buckets (balance and quotas)
2. billing: this month's charges (spending)
3. provisioning: the number's products (tariff, services)
4. provisioning: the customer (name, region)
5. provisioning: permissions (linked numbers)
6. provisioning: the product catalogue (names, fees, allowances of the products)
7. loyalty: the promotions (partner offers)
8. loyalty: the number's activations (promo codes)

``concurrency`` such clients run in loops for ``duration`` seconds (bounded also by
``max_requests``), all on 127.0.0.1. The result has the same shape as wrk's, so the
report puts both side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    socket_errors: int = 0
    timeouts: int = 0
    non_2xx: int = 0
    server_errors: int = 0
    calls: int = 0


def _month_bounds(now: datetime) -> tuple[str, str]:
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return start.strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ")


def home_calls(urls: dict[str, str], number: str) -> list[tuple[str, dict[str, str]]]:
    """The eight GETs of one home screen, in the order a naive client makes them."""
    gte, lt = _month_bounds(datetime.now(UTC))
    billing, provisioning, loyalty = urls["billing"], urls["provisioning"], urls["loyalty"]
    return [
        (
            f"{billing}/tmf-api/prepayBalanceManagement/v4/bucket",
            {"logicalResource.id": number},
        ),
        (
            f"{billing}/tmf-api/customerBillManagement/v4/appliedCustomerBillingRate",
            {"billingAccount.id": number, "date.gte": gte, "date.lt": lt},
        ),
        (
            f"{provisioning}/tmf-api/productInventory/v4/product",
            {"realizingResource.id": number},
        ),
        (f"{provisioning}/tmf-api/customerManagement/v4/customer", {"id": number}),
        (f"{provisioning}/userrolepermission/v4/permission", {"user.id": number}),
        (f"{provisioning}/tmf-api/productCatalogManagement/v4/productOffering", {}),
        (f"{loyalty}/tmf-api/promotionManagement/v4/promotion", {}),
        (f"{loyalty}/tmf-api/loyalty/v4/loyaltyProgramProduct", {"relatedParty.id": number}),
    ]


async def _client(
    session: aiohttp.ClientSession,
    urls: dict[str, str],
    numbers: Sequence[str],
    stop_at: float,
    budget: list[int],
    tally: Tally,
) -> None:
    rng = random.Random()
    while time.monotonic() < stop_at and budget[0] > 0:
        budget[0] -= 1
        number = rng.choice(numbers)
        started = time.perf_counter()
        ok = True
        for url, params in home_calls(urls, number):
            tally.calls += 1
            try:
                async with session.get(url, params=params) as answer:
                    await answer.read()
                    if answer.status >= 500:
                        tally.server_errors += 1
                    if not 200 <= answer.status < 400:
                        tally.non_2xx += 1
                        ok = False
            except TimeoutError:
                tally.timeouts += 1
                ok = False
            except aiohttp.ClientError:
                tally.socket_errors += 1
                ok = False
            if not ok:
                break
        if ok:
            tally.latencies_ms.append((time.perf_counter() - started) * 1000)


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    index = min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))
    return values[index]


async def run(config: dict[str, object]) -> dict[str, object]:
    urls = config["urls"]
    numbers = config["numbers"]
    assert isinstance(urls, dict)
    assert isinstance(numbers, list)
    duration = float(str(config["duration"]))
    concurrency = int(str(config["concurrency"]))
    budget = [int(str(config.get("max_requests", 1_000_000)))]
    tally = Tally()
    timeout = aiohttp.ClientTimeout(total=10)
    connector = aiohttp.TCPConnector(limit=concurrency * 3, limit_per_host=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.monotonic()
        stop_at = started + duration
        await asyncio.gather(
            *(_client(session, urls, numbers, stop_at, budget, tally) for _ in range(concurrency))
        )
        elapsed = time.monotonic() - started
    latencies = sorted(tally.latencies_ms)
    return {
        "requests": len(latencies),
        "duration_s": elapsed,
        "p50_ms": _percentile(latencies, 50),
        "p95_ms": _percentile(latencies, 95),
        "p99_ms": _percentile(latencies, 99),
        "max_ms": latencies[-1] if latencies else 0.0,
        "socket_errors": tally.socket_errors + tally.timeouts,
        "timeouts": tally.timeouts,
        "non_2xx": tally.non_2xx,
        "server_errors": tally.server_errors,
        "calls": tally.calls,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.naive", description=__doc__)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    config = json.loads(args.config.read_text())
    result = asyncio.run(run(config))
    args.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
