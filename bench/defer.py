"""The home screen with loyalty slow: time to the first part (`@defer` on the offers)
against the time of the whole answer.

`python -m bench.defer [--requests 20] [--loyalty-ms 800] [--latency-ms 20]` starts the
simulated backends (in this process's threads, every one at `--latency-ms`, loyalty at
`--loyalty-ms`), one gateway process (`serve`, one worker, no Redis), then asks the
README's home screen `--requests` times whole, and `--requests` times with the offers
deferred over multipart/mixed (Apollo's deferSpec=20220824), one request at a time and
each as a different subscriber (so no answer comes from a cache). It prints the median
and the 90th percentile of: the whole answer; the first part; the last part.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time

import aiohttp

from adapters.clock import SystemClock
from backends.runner import BackendsConfig, BackendsThread
from bench.queries import BALANCE, EXPENSES, LINKED, OFFERS, SERVICES, TARIFF
from domain.principals import SubscriberPrincipal
from gateway.runtime import build_tokens
from gateway.settings import Settings
from tests.harness.network import free_port
from tests.harness.serve_process import serve_env, until_healthy

SECRET = "bench-defer-secret-0123456789abcdef0123456789"  # noqa: S105 - a throwaway key
FIELDS = " ".join(["msisdn name region", BALANCE, TARIFF, SERVICES, EXPENSES, LINKED])
WHOLE = "query HomeScreen { me { " + FIELDS + " " + OFFERS + " } }"
DEFERRED = "query HomeScreen { me { " + FIELDS + " ... @defer { " + OFFERS + " } } }"
ACCEPT = "multipart/mixed;deferSpec=20220824, application/json"


async def _whole(http: aiohttp.ClientSession, url: str, token: str) -> float:
    started = time.perf_counter()
    headers = {"authorization": f"Bearer {token}"}
    async with http.post(url, json={"query": WHOLE}, headers=headers) as response:
        body = await response.json()
    assert body["data"]["me"]["offers"] is not None, body
    return time.perf_counter() - started


async def _parts(http: aiohttp.ClientSession, url: str, token: str) -> tuple[float, float]:
    """Seconds to the first part's closing delimiter, and to the last part's."""
    started = time.perf_counter()
    headers = {"authorization": f"Bearer {token}", "accept": ACCEPT}
    first = 0.0
    seen = b""
    async with http.post(url, json={"query": DEFERRED}, headers=headers) as response:
        assert response.headers["content-type"].startswith("multipart/mixed"), response.headers
        async for chunk in response.content.iter_any():
            seen += chunk
            # The first part is whole when the delimiter after it has arrived.
            if not first and seen.count(b"\r\n---") >= 2:
                first = time.perf_counter() - started
    assert b'"offers"' in seen, seen
    return first, time.perf_counter() - started


def _figures(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[max(0, round(0.9 * len(ordered)) - 1)]
    return f"{name}: median {statistics.median(ordered) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms"


async def run(requests: int, loyalty_ms: float, latency_ms: float) -> int:
    port = free_port()
    config = BackendsConfig(size=2 * requests + 20, latency_ms=latency_ms)
    with BackendsThread(config) as backends:
        env = serve_env(
            backends,
            SECRET,
            None,
            TGW_SUPPORT_URL=backends.support_url,
            TGW_ACCESS_LOG="false",
            TGW_RATE_PER_SUBSCRIBER="1000000",
        )
        gateway = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gateway", "serve", "--port", str(port), env=env
        )
        tokens = build_tokens(Settings(_env_file=None), SystemClock(), SECRET)
        url = f"http://127.0.0.1:{port}/graphql"
        try:
            async with aiohttp.ClientSession() as http:
                await until_healthy(http, f"http://127.0.0.1:{port}")
                faults = {"latency_ms": loyalty_ms}
                async with http.put(f"{backends.loyalty_url}/admin/faults", json=faults) as put:
                    put.raise_for_status()
                # One of each first, unmeasured: the catalogs are then loaded.
                warm = tokens.mint(SubscriberPrincipal("+79000000002"))
                await _whole(http, url, warm)
                await _parts(http, url, warm)
                wholes: list[float] = []
                firsts: list[float] = []
                lasts: list[float] = []
                for n in range(requests):
                    one = tokens.mint(SubscriberPrincipal(f"+790000{10 + 2 * n:05d}"))
                    other = tokens.mint(SubscriberPrincipal(f"+790000{11 + 2 * n:05d}"))
                    wholes.append(await _whole(http, url, one))
                    first, last = await _parts(http, url, other)
                    firsts.append(first)
                    lasts.append(last)
        finally:
            gateway.terminate()
            await gateway.wait()
    print(
        f"{requests} requests of each, one at a time; every backend at {latency_ms:.0f} ms, "
        f"loyalty at {loyalty_ms:.0f} ms"
    )
    print(_figures("whole answer (no @defer)", wholes))
    print(_figures("first part (offers deferred)", firsts))
    print(_figures("last part (the offers)", lasts))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--loyalty-ms", type=float, default=800.0)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    args = parser.parse_args()
    return asyncio.run(run(args.requests, args.loyalty_ms, args.latency_ms))


if __name__ == "__main__":
    sys.exit(main())
