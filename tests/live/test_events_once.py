"""Each event reaches a subscriber once, however many gateway processes registered at the
backend's hub (each registration gets its own copy of every event)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from adapters.events.records import decode_event
from backends.runner import BackendsThread
from domain.events import BalanceChanged
from tests.actions.helpers import key
from tests.conftest import GatewayFactory
from tests.harness.live import hubs_registered, post_event

TOP_UP = """mutation($m: Msisdn!, $k: String) { topUp(msisdn: $m, amount: "100",
  paymentMethod: {cardToken: "tok_visa"}, idempotencyKey: $k) { topUpId userErrors { code } } }"""


async def _balance_deliveries(http: aiohttp.ClientSession, url: str) -> list[dict[str, Any]]:
    async with http.get(f"{url}/admin/events") as response:
        found: list[dict[str, Any]] = await response.json()
    return [d for d in found if d["eventType"] == "BalanceChangeEvent"]


async def test_three_registrations_one_event_each(
    start_gateway: GatewayFactory, backends: BackendsThread, http: aiohttp.ClientSession
) -> None:
    number = "+79000000232"
    async with (
        start_gateway() as first,
        start_gateway() as second,
        start_gateway() as third,
        hubs_registered(first),
        hubs_registered(second),
        hubs_registered(third),
    ):
        before = {d["eventId"] for d in await _balance_deliveries(http, backends.billing_url)}
        async with second.runtime.ports.events.follow(f"balance:{number}") as follower:
            for _ in range(3):
                done = await first.query(
                    TOP_UP, {"m": number, "k": key()}, token=first.subscriber_token(number)
                )
                assert done.data["topUp"]["userErrors"] == []
            # Until billing has handed every copy of every new event to a listener (each
            # answered after publishing, or after dropping its copy).
            deadline = time.monotonic() + 10
            while True:
                new = [
                    d
                    for d in await _balance_deliveries(http, backends.billing_url)
                    if d["eventId"] not in before
                ]
                ids = {d["eventId"] for d in new}
                if len(ids) >= 3 and len(new) == 3 * len(ids):
                    break
                assert time.monotonic() < deadline, f"deliveries: {new}"
                # The hub delivers in its own tasks: nothing to await but asking again.
                await asyncio.sleep(0.02)
            assert {d["status"] for d in new} == {"delivered"}
            # A marker, published after every copy was handled: what came before it is all.
            await post_event(
                third,
                "billing",
                "BalanceChangeEvent",
                {"balanceChange": {"logicalResource": [{"id": number}]}},
            )
            seen: list[str] = []
            while True:
                event = decode_event(await follower.next())
                assert isinstance(event, BalanceChanged)
                event_id = event.event_id
                if event_id not in ids:
                    break
                seen.append(event_id)
    assert sorted(seen) == sorted(ids), "each event once, not once per registration"
