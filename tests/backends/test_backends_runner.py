"""Starting the simulators: in the current loop, in a thread, and from the command line."""

from __future__ import annotations

import asyncio
import json
import sys
import urllib.error
import urllib.request

import aiohttp
import pytest

from backends.kit.cli import BILLING_URL, HUB_SECRET, ORDER_STEP_MS, SMS_URL, parse_args
from backends.kit.faults import Faults
from backends.runner import BackendsConfig, BackendsThread, start_backends
from tests.harness.network import free_port


async def test_start_backends_in_the_running_loop() -> None:
    running = await start_backends(
        BackendsConfig(size=30, seed=3, sms_faults=Faults(error_rate=1.0))
    )
    try:
        assert {"billing", "provisioning", "sms", "loyalty"} <= set(running.urls)
        assert len(set(running.urls.values())) == len(running.urls)
        async with aiohttp.ClientSession() as session:
            for url in running.urls.values():
                async with session.get(f"{url}/admin/health") as response:
                    assert response.status == 200
            async with session.get(f"{running.sms_url}/admin/faults") as response:
                assert (await response.json())["error_rate"] == 1.0
            async with session.get(
                f"{running.sms_url}/tmf-api/communicationManagement/v4/communicationMessage"
            ) as response:
                assert response.status == 500
            customers = f"{running.provisioning_url}/tmf-api/customerManagement/v4/customer"
            async with session.get(customers) as response:
                assert response.headers["X-Total-Count"] == "30"
    finally:
        await running.stop()
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(f"{running.billing_url}/admin/health")


def test_backends_thread_serves_synchronous_callers() -> None:
    backends = BackendsThread(BackendsConfig(size=20))
    with pytest.raises(RuntimeError):
        _ = backends.billing_url
    with backends:
        with urllib.request.urlopen(f"{backends.loyalty_url}/admin/health") as response:  # noqa: S310
            assert json.load(response) == {"status": "ok"}
        url = backends.billing_url
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{url}/admin/health")  # noqa: S310
    backends.stop()  # a second stop is harmless


async def test_the_command_line_serves_one_service() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "backends.billing",
        "--port",
        str(port),
        "--size",
        "50",
        "--error-rate",
        "1",
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stderr is not None
        # The service logs its address once it is listening: that is the signal to go.
        while b"Running on" not in await asyncio.wait_for(process.stderr.readline(), 10):
            pass
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{base}/admin/faults") as response:
                assert (await response.json())["error_rate"] == 1.0
            async with session.get(f"{base}/tmf-api/prepayBalanceManagement/v4/bucket") as response:
                assert response.status == 500
    finally:
        process.terminate()
        await process.wait()


def test_the_write_side_options_are_per_service() -> None:
    args = parse_args(
        "provisioning",
        8102,
        ["--hub-secret", "s3", "--order-step-ms", "0", "--billing-url", "http://b:1"],
        (HUB_SECRET, ORDER_STEP_MS, BILLING_URL),
    )
    assert (args.hub_secret, args.order_step_ms, args.billing_url) == ("s3", 0.0, "http://b:1")
    defaults = parse_args("billing", 8101, [], (HUB_SECRET, ORDER_STEP_MS, SMS_URL))
    assert (defaults.hub_secret, defaults.order_step_ms, defaults.sms_url) == (None, 300.0, None)
    with pytest.raises(SystemExit):
        parse_args("sms", 8103, ["--hub-secret", "s"])  # the SMS gateway has no hub
