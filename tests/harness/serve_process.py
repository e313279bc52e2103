"""`python -m gateway serve` started as a process of its own (the CLI, shutdown and crash
tests, bench/defer.py, bench/idle_subscriptions.py): its environment wired to the
simulators, and waiting until it serves."""

from __future__ import annotations

import asyncio
import os
import time

import aiohttp

from backends.runner import BackendsThread


def serve_env(
    backends: BackendsThread, secret: str, redis_url: str | None, **settings: str
) -> dict[str, str]:
    """This process's environment with the simulators' URLs (support's only when given in
    `settings`), the token secret and Redis (None: none, caches in process), then
    `settings` (`TGW_...` names) over it. /metrics is off unless `settings` says where:
    a fixed port could be taken."""
    env = {
        **os.environ,
        "TGW_JWT_SECRET": secret,
        "TGW_BILLING_URL": backends.billing_url,
        "TGW_PROVISIONING_URL": backends.provisioning_url,
        "TGW_SMS_URL": backends.sms_url,
        "TGW_LOYALTY_URL": backends.loyalty_url,
        "TGW_METRICS_LISTEN": "off",
    }
    # The caller's own multi-process metrics directory is not this server's.
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    if redis_url is None:
        env.pop("REDIS_URL", None)
    else:
        env["REDIS_URL"] = redis_url
    env.update(settings)
    return env


async def until_healthy(http: aiohttp.ClientSession, url: str, seconds: float = 30.0) -> None:
    """Until `url`/healthz answers 200; RuntimeError after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            async with http.get(f"{url}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer /healthz within {seconds:g} s")
        # Another task or process is starting the server: nothing to await but asking.
        await asyncio.sleep(0.05)
