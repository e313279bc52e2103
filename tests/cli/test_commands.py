"""The command line: the demo runs and stops cleanly; tokens minted with the key work;
serve runs several workers sharing metrics."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import sys
import time
from typing import Any

import aiohttp
import psutil
import pytest

from adapters.clock import SystemClock
from backends.runner import BackendsThread
from domain.principals import AgentPrincipal, SubscriberPrincipal
from gateway.cli import main
from gateway.demo import run_demo
from gateway.runtime import build_tokens
from gateway.settings import Settings
from tests.harness.gateway import TEST_SECRET
from tests.harness.network import free_port
from tests.harness.raw_http import raw_connection
from tests.harness.serve_process import serve_env, until_healthy

ME = {"query": "{ me { msisdn balance { money { amount } } } }"}


async def _demo_banner(
    http: aiohttp.ClientSession, url: str, capsys: pytest.CaptureFixture[str]
) -> str:
    """Once the demo serves, what it printed up to its banner's last line."""
    await until_healthy(http, url)
    banner = ""
    deadline = time.monotonic() + 10
    while "Ctrl-C stops everything" not in banner:
        assert time.monotonic() < deadline, "the demo printed no banner"
        # The banner follows the server's start by a moment, from the demo's own task.
        await asyncio.sleep(0.01)
        banner += capsys.readouterr().out
    return banner


async def test_the_demo_serves_and_stops(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo without Redis caches in process and says so (make test sets REDIS_URL).
    monkeypatch.delenv("REDIS_URL", raising=False)
    port = free_port()
    stop = asyncio.Event()
    demo = asyncio.create_task(run_demo(port=port, size=50, stop=stop))
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        banner = await _demo_banner(http, url, capsys)
        token = re.search(r"export TOKEN=(\S+)", banner)
        assert token is not None
        assert "in process (set REDIS_URL to use Redis)" in banner
        assert "/admin/messages?msisdn=" in banner
        headers = {"authorization": f"Bearer {token.group(1)}"}
        async with http.post(f"{url}/graphql", json=ME, headers=headers) as response:
            body = await response.json()
        assert body["data"]["me"]["msisdn"] == "+79000000001"
        # Agents' tokens come from the demo's identity provider.
        agent = re.search(r"export AGENT_TOKEN=(\S+)", banner)
        assert agent is not None
        read = {"query": '{ subscriber(msisdn: "+79000000003") { msisdn } }'}
        headers = {"authorization": f"Bearer {agent.group(1)}"}
        async with http.post(f"{url}/graphql", json=read, headers=headers) as response:
            body = await response.json()
        assert body["data"]["subscriber"]["msisdn"] == "+79000000003"
        async with http.get(f"{url}/") as page:
            assert page.status == 200
            assert "<html" in (await page.text()).lower()
    stop.set()
    assert await asyncio.wait_for(demo, 20) == 0


def test_token_command(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TGW_JWT_SECRET", TEST_SECRET)
    assert main(["token", "--msisdn", "8 900 000-00-01", "--ttl", "60"]) == 0
    token = capsys.readouterr().out.strip()
    tokens = build_tokens(Settings(_env_file=None), SystemClock(), TEST_SECRET)
    assert tokens.verify(token) == SubscriberPrincipal("+79000000001")
    assert main(["token", "--msisdn", "12345"]) == 2


def test_agent_tokens_come_from_the_provider_once_one_is_set(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TGW_JWT_SECRET", TEST_SECRET)
    assert main(["token", "--agent", "lead", "--supervisor"]) == 0
    token = capsys.readouterr().out.strip()
    tokens = build_tokens(Settings(_env_file=None), SystemClock(), TEST_SECRET)
    assert tokens.verify(token) == AgentPrincipal("lead", frozenset({"agent", "supervisor"}))
    monkeypatch.setenv("TGW_AGENT_JWKS_URL", "http://127.0.0.1:9/jwks.json")
    assert main(["token", "--agent", "lead"]) == 2
    assert "identity provider" in capsys.readouterr().err


def test_token_command_needs_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TGW_JWT_SECRET", raising=False)
    assert main(["token", "--agent", "desk"]) == 2


def _serve_env(
    backends: BackendsThread, redis_url: str, port: int, metrics: str = "off"
) -> dict[str, str]:
    return serve_env(
        backends,
        TEST_SECRET,
        redis_url,
        TGW_CACHE_NAMESPACE=f"tgw-serve-{port}",
        TGW_METRICS_LISTEN=metrics,
    )


async def _serve(
    backends: BackendsThread,
    redis_url: str,
    port: int,
    workers: int = 2,
    env: dict[str, str] | None = None,
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway",
        "serve",
        "--workers",
        str(workers),
        "--port",
        str(port),
        env={**_serve_env(backends, redis_url, port), **(env or {})},
        stderr=asyncio.subprocess.DEVNULL,
    )


async def test_serve_runs_workers_sharing_metrics(backends: BackendsThread, redis_url: str) -> None:
    port, metrics_port = free_port(), free_port()
    process = await _serve(
        backends, redis_url, port, env={"TGW_METRICS_LISTEN": f"127.0.0.1:{metrics_port}"}
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            await until_healthy(http, url)
            headers = {"authorization": f"Bearer {_agent()}"}
            query = {"query": "query Probe { tariffs { id } }"}
            # New connections: the kernel spreads them over both workers.
            assert await _statuses(20, "POST", f"{url}/graphql", json=query, headers=headers) == {
                200
            }
            async with http.get(f"http://127.0.0.1:{metrics_port}/metrics") as response:
                text = await response.text()
            async with http.get(f"{url}/metrics") as response:
                assert response.status == 404, "metrics are not on the API port"
        found = re.search(r'tgw_operations_total\{operation="Probe",outcome="ok"\} (\S+)', text)
        assert found is not None
        assert float(found.group(1)) == 20, "every worker's count is in /metrics"
    finally:
        process.terminate()
        await process.wait()


async def test_served_workers_bound_slow_heads(backends: BackendsThread, redis_url: str) -> None:
    port = free_port()
    process = await _serve(backends, redis_url, port, env={"TGW_HEADER_TIMEOUT": "0.5"})
    url = f"http://127.0.0.1:{port}"
    header = b"x-padding: " + b"a" * 1000
    try:
        async with aiohttp.ClientSession() as http:
            await until_healthy(http, url)
        # Several connections, so that each worker gets some.
        for _ in range(4):
            async with raw_connection(url) as connection:
                await connection.send(b"GET /healthz HTTP/1.1\r\nhost: gateway\r\n")
                answer = await connection.send_until_answered(
                    (header[i : i + 1] for i in range(len(header))), pause=0.05
                )
                assert answer is not None
                assert answer.status == 408
    finally:
        process.terminate()
        await process.wait()


async def _statuses(times: int, method: str, url: str, **options: Any) -> set[int]:
    """The statuses of `times` requests, each on a new connection."""
    seen = set()
    for _ in range(times):
        async with aiohttp.ClientSession() as fresh, fresh.request(method, url, **options) as r:
            seen.add(r.status)
    return seen


async def _workers_of(pid: int, count: int, besides: frozenset[int] = frozenset()) -> set[int]:
    """The supervisor's worker processes, once there are `count` of them not in `besides`."""
    deadline = time.monotonic() + 30
    while True:
        workers = set()
        for child in psutil.Process(pid).children():
            # A killed worker stays a zombie until the supervisor reaps it.
            with contextlib.suppress(psutil.Error):
                if child.status() != psutil.STATUS_ZOMBIE and "spawn_main" in " ".join(
                    child.cmdline()
                ):
                    workers.add(child.pid)
        if len(workers - besides) >= count:
            return workers
        assert time.monotonic() < deadline, f"workers: {workers}"
        # Processes start on their own: nothing to await but looking again.
        await asyncio.sleep(0.05)


def _accepted(pid: int, port: int) -> bool:
    """Whether the worker holds a connection it accepted on `port`: it then runs its
    loop, so its start-up (the lifespan) is over."""
    with contextlib.suppress(psutil.Error):
        for conn in psutil.Process(pid).net_connections(kind="tcp"):
            if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_ESTABLISHED:
                return True
    return False


async def _serving(workers: set[int], url: str, port: int) -> set[int]:
    """`workers`, once each has accepted a connection. The kernel spreads connections
    over the workers' sockets: held open eight at a time, each worker soon has one."""
    deadline = time.monotonic() + 30
    while True:
        connector = aiohttp.TCPConnector(limit=8, force_close=False)
        async with aiohttp.ClientSession(connector=connector) as pool:
            # Eight requests at once: eight connections, kept open in the pool.
            await asyncio.gather(*(_get_status(pool, f"{url}/healthz") for _ in range(8)))
            serving = {pid for pid in workers if _accepted(pid, port)}
        if serving == workers:
            return serving
        assert time.monotonic() < deadline, f"serving: {serving} of {workers}"


async def _get_status(http: aiohttp.ClientSession, url: str) -> int:
    async with http.get(url) as response:
        await response.read()
        return response.status


async def test_serve_restarts_a_worker_that_dies(backends: BackendsThread, redis_url: str) -> None:
    port = free_port()
    process = await _serve(backends, redis_url, port)
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            await until_healthy(http, url)
            first = await _workers_of(process.pid, 2)
            # Only a worker past its start-up is restarted (one dying at start-up makes
            # the supervisor give up): kill one known to serve.
            victim = min(await _serving(first, url, port))
            os.kill(victim, signal.SIGKILL)
            after = await _workers_of(process.pid, 1, besides=frozenset(first))
            assert victim not in after
            assert len(after) == 2
            assert await _statuses(10, "GET", f"{url}/healthz") == {200}
    finally:
        process.terminate()
        assert await process.wait() == 0
    assert not any(psutil.pid_exists(pid) for pid in after), "workers stop with the supervisor"


async def test_serve_gives_up_when_its_workers_cannot_start(
    backends: BackendsThread, redis_url: str
) -> None:
    with socket.socket() as taken:
        # Bound without SO_REUSEPORT: no worker can bind the port next to it.
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = await _serve(backends, redis_url, port)
        assert await asyncio.wait_for(process.wait(), timeout=60) == 1


def _agent() -> str:
    return build_tokens(Settings(_env_file=None), SystemClock(), TEST_SECRET).mint(
        AgentPrincipal("serve-test")
    )


async def test_the_demo_on_the_ocs_dialect_runs_the_ocs_simulator(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("TGW_BILLING_DIALECT", "sigscale-ocs")
    port = free_port()
    stop = asyncio.Event()
    demo = asyncio.create_task(run_demo(port=port, size=50, stop=stop))
    url = f"http://127.0.0.1:{port}"
    balance = {"query": "{ me { msisdn balance { money { amount } } } }"}
    async with aiohttp.ClientSession() as http:
        banner = await _demo_banner(http, url, capsys)
        token = re.search(r"export TOKEN=(\S+)", banner)
        assert token is not None
        headers = {"authorization": f"Bearer {token.group(1)}"}
        async with http.post(f"{url}/graphql", json=balance, headers=headers) as response:
            body = await response.json()
        # Spoken to in its own dialect, OCS gives a balance (the wrong one gave null).
        assert body["data"]["me"]["balance"]["money"]["amount"] is not None, body
    stop.set()
    assert await asyncio.wait_for(demo, 20) == 0
