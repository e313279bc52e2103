"""Calls to different backends within one query run concurrently.

A structure test with a wide margin: each backend answers after 50 ms; the home screen
needs at least five backend calls, so one after another they would take over 250 ms.
"""

from __future__ import annotations

import time

from tests.api.queries import HOME_SCREEN
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient

LATENCY_MS = 50


async def test_the_home_screen_answers_in_about_one_backend_latency(
    gateway: GatewayClient, admins: dict[str, BackendAdmin]
) -> None:
    token = gateway.subscriber_token("+79000000001")
    await gateway.query(HOME_SCREEN, token=token)  # the catalog and offers are now warm
    await gateway.runtime.forget(["+79000000001"])
    for admin in admins.values():
        await admin.faults(latency_ms=LATENCY_MS)
        await admin.reset()

    started = time.perf_counter()
    answer = await gateway.query(HOME_SCREEN, token=token)
    elapsed = time.perf_counter() - started

    assert answer.errors == []
    calls = sum([sum((await a.counts()).values()) for a in admins.values()])
    assert calls >= 5, "the home screen should need several backend calls"
    assert calls * LATENCY_MS / 1000 > 0.2
    assert elapsed < 0.120, f"took {elapsed * 1000:.0f} ms"
