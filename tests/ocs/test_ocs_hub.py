"""The gateway at SigScale OCS's own hub, over real HTTP with the simulated OCS: it
registers with its Basic credentials and a callback carrying a secret of its own, a bucket
created or deleted inside OCS drops the number's cached balance at once (the balance TTL
here is an hour: nothing but the notification could show the change), and a notification
with a wrong secret is refused and changes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from adapters.billing.ocs.hub import callback_token
from adapters.events.records import decode_event
from backends.ocs.auth import DEFAULT_PASSWORD, DEFAULT_USERNAME
from domain.events import BalanceChanged
from tests.api.queries import BALANCE
from tests.conftest import SettingsFactory
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient, running_gateway
from tests.harness.network import free_port

DEMO = "+79000000001"
OCS_AUTH = {"Authorization": aiohttp.encode_basic_auth(DEFAULT_USERNAME, DEFAULT_PASSWORD)}
BOUND = 5.0  # seconds to wait for a notification to land: far above OCS's 25 ms


def _settings(make_settings: SettingsFactory, ocs_url: str, port: int, **more: Any) -> Any:
    values: dict[str, Any] = {
        "billing_dialect": "sigscale-ocs",
        "billing_url": ocs_url,
        "billing_username": DEFAULT_USERNAME,
        "billing_password": DEFAULT_PASSWORD,
        # OCS takes no payments: the TMF v4 simulator's payments stand in for the PSP.
        "payments_url": make_settings().billing_url,
        "callback_url": f"http://127.0.0.1:{port}",
        "balance_ttl": 3600,
        "answer_ttl": 0,
    }
    return make_settings(**{**values, **more})


@pytest.fixture
async def gateway(make_settings: SettingsFactory, ocs_url: str) -> AsyncIterator[GatewayClient]:
    port = free_port()
    async with running_gateway(_settings(make_settings, ocs_url, port), port=port) as client:
        yield client


async def _money(gateway: GatewayClient) -> Decimal:
    answer = await gateway.query(BALANCE, token=gateway.subscriber_token(DEMO))
    assert answer.errors == []
    return Decimal(answer.data["me"]["balance"]["money"]["amount"])


async def _until(check: Callable[[], Awaitable[bool]]) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BOUND
    while not await check():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def _readyz(http: aiohttp.ClientSession, gateway: GatewayClient) -> dict[str, Any]:
    async with http.get(f"{gateway.url}/readyz") as answer:
        body: dict[str, Any] = await answer.json()
        return body


async def test_the_gateway_registers_with_a_secret_of_its_own(
    http: aiohttp.ClientSession, ocs_url: str, gateway: GatewayClient
) -> None:
    async with http.get(f"{ocs_url}/balanceManagement/v1/hub", headers=OCS_AUTH) as answer:
        hubs = await answer.json()
    secret = gateway.runtime.settings.hub_secret
    assert secret is not None
    token = callback_token(secret.get_secret_value().encode())
    assert [hub["callback"] for hub in hubs] == [
        f"{gateway.runtime.settings.callback_url}/listener/billing-ocs/{token}"
    ]
    assert secret.get_secret_value() not in hubs[0]["callback"]
    ready = await _readyz(http, gateway)
    assert ready["checks"]["billing"]["hub"] == (
        f"registered at SigScale OCS's hub (id {hubs[0]['id']})"
    )


async def test_a_bucket_made_inside_ocs_drops_the_cached_balance_at_once(
    http: aiohttp.ClientSession, ocs_url: str, gateway: GatewayClient
) -> None:
    before = await _money(gateway)
    service = f"{ocs_url}/balanceManagement/v1/service/{DEMO.removeprefix('+')}"

    async def shows(amount: Decimal) -> bool:
        return await _money(gateway) == amount

    async with gateway.runtime.ports.events.follow(f"balance:{DEMO}") as follower:
        async with http.post(
            f"{service}/balanceTopup",
            json={"amount": {"units": "cents", "amount": "20"}},
            headers=OCS_AUTH,
        ) as answer:
            assert answer.status == 201
            bucket = await answer.json()
        event = decode_event(await asyncio.wait_for(follower.next(), BOUND))
    assert isinstance(event, BalanceChanged)
    assert event.msisdn == DEMO
    # Dropped before the event was published: the very next read shows the credit.
    assert await _money(gateway) == before + 20

    async with http.delete(
        f"{ocs_url}/balanceManagement/v1/bucket/{bucket['id']}", headers=OCS_AUTH
    ) as answer:
        assert answer.status == 204
    assert await _until(lambda: shows(before)), "the deletion did not drop the cached balance"


async def test_a_notification_with_a_wrong_secret_is_refused_and_changes_nothing(
    http: aiohttp.ClientSession, ocs_url: str, gateway: GatewayClient
) -> None:
    billing = BackendAdmin("billing", ocs_url, http)
    await _money(gateway)  # cached now
    await billing.reset()
    product = "1795600000000-1"  # the demo number's (the simulator's ids lead to it)
    body = {
        "eventId": "1",
        "eventTime": "2026-12-06T02:31:50.286",
        "eventType": "BucketBalanceCreationNotification",
        "event": {"id": f"{product.partition('-')[0]}-99", "product": {"id": product}},
    }
    secret = gateway.runtime.settings.hub_secret
    assert secret is not None
    right = callback_token(secret.get_secret_value().encode())
    for token in ("wrong", right[:-1] + ("0" if right[-1] != "0" else "1"), right.upper()):
        async with http.post(
            f"{gateway.url}/listener/billing-ocs/{token}", json=body, headers=OCS_AUTH
        ) as answer:
            assert answer.status == 401
            assert (await answer.json())["code"] == "INVALID_SECRET"
    async with http.post(f"{gateway.url}/listener/billing-ocs/", json=body) as answer:
        assert answer.status in (404, 405)

    await _money(gateway)
    assert sum((await billing.counts()).values()) == 0, "the cached balance was dropped"


async def test_a_failed_registration_is_on_readyz_with_its_reason(
    http: aiohttp.ClientSession, make_settings: SettingsFactory, ocs_url: str
) -> None:
    port = free_port()
    settings = _settings(make_settings, ocs_url, port, billing_password="wrong")
    async with running_gateway(settings, port=port) as gateway:
        ready = await _readyz(http, gateway)
    hub = ready["checks"]["billing"]["hub"]
    assert hub.startswith("not registered at SigScale OCS's hub:")
    assert "401" in hub


async def test_without_a_hub_secret_ocs_is_not_registered_and_says_why(
    http: aiohttp.ClientSession, make_settings: SettingsFactory, ocs_url: str
) -> None:
    port = free_port()
    settings = _settings(make_settings, ocs_url, port, hub_secret=None)
    async with running_gateway(settings, port=port) as gateway:
        ready = await _readyz(http, gateway)
    async with http.get(f"{ocs_url}/balanceManagement/v1/hub", headers=OCS_AUTH) as answer:
        assert await answer.json() == []
    assert ready["checks"]["billing"]["hub"] == (
        "not registered at SigScale OCS's hub: TGW_HUB_SECRET is not set"
    )


async def _listed(http: aiohttp.ClientSession, ocs_url: str) -> list[dict[str, str]]:
    async with http.get(f"{ocs_url}/balanceManagement/v1/hub", headers=OCS_AUTH) as answer:
        found: list[dict[str, str]] = await answer.json()
        return found


async def test_a_hub_ocs_dropped_is_registered_again(
    http: aiohttp.ClientSession, ocs_url: str, gateway: GatewayClient
) -> None:
    (first,) = await _listed(http, ocs_url)
    # What OCS does after a failed delivery: the hub is gone, silently.
    async with http.delete(
        f"{ocs_url}/balanceManagement/v1/hub/{first['id']}", headers=OCS_AUTH
    ) as answer:
        assert answer.status == 204
    hub = gateway.runtime.ocs_hub
    assert hub is not None
    callback = gateway.runtime.settings.callback_url
    assert callback is not None

    await hub.ensure(callback)  # what the keeper does every CHECK_INTERVAL

    (again,) = await _listed(http, ocs_url)
    assert again["callback"] == first["callback"]
    assert again["id"] != first["id"]
    ready = await _readyz(http, gateway)
    assert (
        ready["checks"]["billing"]["hub"] == f"registered at SigScale OCS's hub (id {again['id']})"
    )
    before = await _money(gateway)
    service = f"{ocs_url}/balanceManagement/v1/service/{DEMO.removeprefix('+')}"
    async with http.post(
        f"{service}/balanceTopup",
        json={"amount": {"units": "cents", "amount": "5"}},
        headers=OCS_AUTH,
    ) as answer:
        assert answer.status == 201

    async def shows(amount: Decimal) -> bool:
        return await _money(gateway) == amount

    assert await _until(lambda: shows(before + 5)), "the new hub's notification did not land"


async def test_a_restart_reuses_the_hub_ocs_still_lists(
    http: aiohttp.ClientSession, make_settings: SettingsFactory, ocs_url: str
) -> None:
    port = free_port()
    settings = _settings(make_settings, ocs_url, port)
    async with running_gateway(settings, port=port):
        first = await _listed(http, ocs_url)
    async with running_gateway(settings, port=port):
        second = await _listed(http, ocs_url)
    assert len(first) == 1
    assert second == first, "a second registration would double every notification"
