"""Calls to different backends within one query run concurrently.

A structure test, no clock: every backend holds the requests it gets (the `hang` fault)
until released. One after another, only the first call would ever arrive; concurrent,
the calls to billing, provisioning and loyalty are all in flight at once. Released, the
screen then answers whole.
"""

from __future__ import annotations

import asyncio

from tests.api.queries import HOME_SCREEN
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient

FANNED_OUT = ("billing", "provisioning", "loyalty")


async def _arrived(admins: dict[str, BackendAdmin]) -> set[str]:
    return {name for name, admin in admins.items() if sum((await admin.counts()).values())}


async def test_the_home_screen_asks_its_backends_at_the_same_time(
    gateway: GatewayClient, admins: dict[str, BackendAdmin]
) -> None:
    token = gateway.subscriber_token("+79000000001")
    await gateway.query(HOME_SCREEN, token=token)  # the catalog and offers are now warm
    await gateway.runtime.forget(["+79000000001"])
    for admin in admins.values():
        await admin.reset()
        await admin.faults(hang=True)
    screen = asyncio.create_task(gateway.query(HOME_SCREEN, token=token))
    try:
        for _ in range(500):
            if set(FANNED_OUT) <= await _arrived(admins) or screen.done():
                break
            # Polling the simulators' counters: there is no event to wait on.
            await asyncio.sleep(0.01)
        held_at_once = await _arrived(admins)
    finally:
        for admin in admins.values():
            await admin.clear_faults()
    answer = await screen
    assert set(FANNED_OUT) <= held_at_once, f"only {held_at_once} were asked before any answered"
    assert answer.errors == []
