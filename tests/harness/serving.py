"""Waiting for a server started in the background (the demo, `serve` in a process of its
own) until its /healthz answers 200: the tests' and the bench's one way to know it is up."""

from __future__ import annotations

import asyncio
import time

import aiohttp


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
