"""SIGTERM under load: the gateway stops accepting, finishes what is in flight, exits."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import Awaitable, Callable

import aiohttp

from backends.runner import BackendsThread
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import TEST_SECRET
from tests.harness.network import free_port
from tests.harness.serve_process import serve_env, until_healthy

QUERY = "query($m: Msisdn!) { subscriber(msisdn: $m) { balance { money { amount } } } }"


async def _until(condition: Callable[[], Awaitable[bool]], seconds: float = 10) -> None:
    """Wait for another process to reach a state: it offers no event, so ask it, briefly."""
    deadline = time.monotonic() + seconds
    while not await condition():
        assert time.monotonic() < deadline, "the condition never came true"
        await asyncio.sleep(0.02)


async def test_sigterm_lets_requests_in_flight_finish(
    backends: BackendsThread, admins: dict[str, BackendAdmin], http: aiohttp.ClientSession
) -> None:
    port = free_port()
    env = serve_env(
        backends,
        TEST_SECRET,
        None,
        TGW_REQUEST_DEADLINE="20",
        TGW_BILLING_TIMEOUT="20",
        TGW_SHUTDOWN_GRACE="15",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway", "serve", "--port", str(port), env=env
    )
    url = f"http://127.0.0.1:{port}"
    try:
        await until_healthy(http, url)
        token = _agent_token()
        billing = admins["billing"]
        await billing.faults(hang=True)
        await billing.reset()

        async def ask(n: int) -> tuple[int, object]:
            body = {"query": QUERY, "variables": {"m": f"+790000002{n:02d}"}}
            headers = {"authorization": f"Bearer {token}"}
            async with http.post(f"{url}/graphql", json=body, headers=headers) as response:
                return response.status, await response.json()

        in_flight = [asyncio.create_task(ask(n)) for n in range(10)]

        async def all_at_billing() -> bool:
            return await billing.count("/bucket") >= 10

        await _until(all_at_billing)
        process.send_signal(signal.SIGTERM)

        async def refusing() -> bool:
            try:
                async with http.get(f"{url}/healthz"):
                    return False
            except aiohttp.ClientConnectionError:
                return True

        await _until(refusing)
        await billing.faults(hang=False)
        answers = await asyncio.gather(*in_flight)
        assert [status for status, _ in answers] == [200] * 10
        for _, body in answers:
            assert body["data"]["subscriber"]["balance"] is not None, body  # type: ignore[index]
        # uvicorn exits by re-raising the signal once it has finished its work.
        assert await asyncio.wait_for(process.wait(), 15) in (0, -signal.SIGTERM)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def _agent_token() -> str:
    from adapters.clock import SystemClock
    from domain.principals import AgentPrincipal
    from gateway.runtime import build_tokens
    from gateway.settings import Settings

    tokens = build_tokens(Settings(_env_file=None), SystemClock(), TEST_SECRET)
    return tokens.mint(AgentPrincipal("shutdown-test"))
