"""1,000 idle subscriptions in one gateway process, and its memory while they last.

`python -m bench.idle_subscriptions [--subscriptions 1000] [--hold 30]` starts the
simulated backends (in this process's threads), one gateway process (`serve`, one
worker, no Redis: in-process events), then opens the subscriptions over
graphql-transport-ws (agents' tokens: 20 subscriptions on each of 5 connections per
agent, the default caps), holds them idle, and samples the gateway's RSS. It prints the
RSS before, after opening, at the end of the hold and after closing, and fails (exit 1)
when memory grows during the idle hold by more than 10% -- idle must mean flat.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

import aiohttp
import psutil

from adapters.clock import SystemClock
from backends.runner import BackendsConfig, BackendsThread
from domain.principals import AgentPrincipal
from gateway.runtime import build_tokens
from gateway.settings import Settings
from tests.harness.network import free_port
from tests.harness.serve_process import serve_env, until_healthy

SECRET = "bench-idle-subscriptions-secret-0123456789abcdef"  # noqa: S105 - a throwaway key
QUERY = "subscription($m: Msisdn!) { balanceChanged(msisdn: $m) { money { amount } } }"
PER_CONNECTION = 20
CONNECTIONS_PER_AGENT = 5


async def _open(
    http: aiohttp.ClientSession, url: str, token: str, first: int
) -> aiohttp.ClientWebSocketResponse:
    ws = await http.ws_connect(url, protocols=("graphql-transport-ws",))
    await ws.send_json({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    ack = await ws.receive_json(timeout=10)
    if ack.get("type") != "connection_ack":
        raise RuntimeError(f"not acknowledged: {ack}")
    for n in range(PER_CONNECTION):
        number = f"+7900000{(first + n) % 10_000:04d}"
        await ws.send_json(
            {
                "id": str(n),
                "type": "subscribe",
                "payload": {"query": QUERY, "variables": {"m": number}},
            }
        )
    return ws


def _rss_mb(process: psutil.Process) -> float:
    return float(process.memory_info().rss) / 1_048_576


async def run(subscriptions: int, hold: float) -> int:
    port = free_port()
    with BackendsThread(BackendsConfig(size=200)) as backends:
        env = serve_env(
            backends, SECRET, None, TGW_SUPPORT_URL=backends.support_url, TGW_ACCESS_LOG="false"
        )
        gateway = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gateway", "serve", "--port", str(port), env=env
        )
        process = psutil.Process(gateway.pid)
        tokens = build_tokens(Settings(_env_file=None), SystemClock(), SECRET)
        base = f"http://127.0.0.1:{port}"
        sockets: list[aiohttp.ClientWebSocketResponse] = []
        try:
            async with aiohttp.ClientSession() as http:
                await until_healthy(http, base)
                before = _rss_mb(process)
                connections = -(-subscriptions // PER_CONNECTION)
                for c in range(connections):
                    agent = tokens.mint(AgentPrincipal(f"bench-{c // CONNECTIONS_PER_AGENT}"))
                    sockets.append(
                        await _open(
                            http, base.replace("http", "ws") + "/graphql", agent, c * PER_CONNECTION
                        )
                    )
                opened = _rss_mb(process)
                samples = [opened]
                deadline = time.monotonic() + hold
                while time.monotonic() < deadline:
                    # Sampling the other process's memory: nothing to wait on but time.
                    await asyncio.sleep(1)
                    samples.append(_rss_mb(process))
                held = samples[-1]
                for ws in sockets:
                    await ws.close()
                sockets.clear()
                await asyncio.sleep(1)
                closed = _rss_mb(process)
        finally:
            for ws in sockets:
                await ws.close()
            gateway.terminate()
            await gateway.wait()
    growth = (max(samples) - opened) / opened
    print(f"subscriptions: {connections * PER_CONNECTION} on {connections} connections")
    print(
        f"gateway RSS MB: before {before:.1f}, opened {opened:.1f}, "
        f"end of {hold:.0f} s idle {held:.1f} (max {max(samples):.1f}), after closing {closed:.1f}"
    )
    print(f"per subscription: {(opened - before) * 1024 / (connections * PER_CONNECTION):.1f} KB")
    print(f"growth while idle: {growth:.1%} -> {'FLAT' if growth <= 0.10 else 'GROWING'}")
    return 0 if growth <= 0.10 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--hold", type=float, default=30.0, help="seconds to hold them idle")
    args = parser.parse_args()
    return asyncio.run(run(args.subscriptions, args.hold))


if __name__ == "__main__":
    sys.exit(main())
