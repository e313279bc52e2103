"""Choosing the billing simulator's dialect: in the runner and on the command line."""

from __future__ import annotations

import asyncio
import sys

import aiohttp
import pytest

from backends.ocs.auth import DEFAULT_PASSWORD, DEFAULT_USERNAME
from backends.runner import BackendsConfig, start_backends
from tests.harness.network import free_port

AUTH = {"Authorization": aiohttp.encode_basic_auth(DEFAULT_USERNAME, DEFAULT_PASSWORD)}
DEMO_SERVICE = "/serviceInventoryManagement/v2/service/79000000001"


async def test_the_runner_starts_ocs_as_billing(http: aiohttp.ClientSession) -> None:
    running = await start_backends(BackendsConfig(size=20, billing_dialect="sigscale-ocs"))
    try:
        async with http.get(f"{running.billing_url}{DEMO_SERVICE}", headers=AUTH) as response:
            assert response.status == 200
            assert (await response.json())["id"] == "79000000001"
        async with http.get(f"{running.billing_url}/admin/health") as response:
            assert response.status == 200
    finally:
        await running.stop()


async def test_an_unknown_dialect_is_refused() -> None:
    with pytest.raises(ValueError, match="sigscale-ocs"):
        await start_backends(BackendsConfig(size=20, billing_dialect="tmf-v2"))


@pytest.mark.parametrize(
    "command",
    [["backends.billing", "--dialect", "sigscale-ocs"], ["backends.ocs"]],
    ids=["billing-dialect", "ocs"],
)
async def test_the_command_line_serves_ocs(http: aiohttp.ClientSession, command: list[str]) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        *command,
        "--port",
        str(port),
        "--size",
        "20",
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stderr is not None
        # The service logs its address once it is listening: that is the signal to go.
        while True:
            line = await asyncio.wait_for(process.stderr.readline(), 10)
            assert line, "the simulator exited before it listened"
            if b"Running on" in line:
                break
        base = f"http://127.0.0.1:{port}"
        async with http.get(f"{base}/health") as response:
            assert response.status == 200
        async with http.get(f"{base}{DEMO_SERVICE}") as response:
            assert response.status == 401
        async with http.get(f"{base}{DEMO_SERVICE}", headers=AUTH) as response:
            assert response.status == 200
    finally:
        process.terminate()
        await process.wait()
