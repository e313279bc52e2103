"""The simulated OCS's hub, as the captured system's (tests/ocs/captures/hub_*,
/work/shared/ocs/README.md "Hub (notifications)"): Basic auth to register, notifications
on a bucket's creation and deletion with the registered Authorization header, and a hub
dropped after a delivery that fails."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web

from backends.ocs.auth import DEFAULT_PASSWORD, DEFAULT_USERNAME
from tests.harness.loopback_app import serving
from tests.harness.network import free_port

HUB = "/balanceManagement/v1/hub"
AUTH = {"Authorization": aiohttp.encode_basic_auth(DEFAULT_USERNAME, DEFAULT_PASSWORD)}
SERVICE = "79000000001"
BOUND = 5.0  # seconds: far above the captured "within 25 ms"


class Receiver:
    """A listener on loopback that keeps what arrives."""

    def __init__(self) -> None:
        self.received: asyncio.Queue[tuple[dict[str, str], Any]] = asyncio.Queue()

    def app(self) -> web.Application:
        async def handle(request: web.Request) -> web.Response:
            await self.received.put((dict(request.headers), orjson.loads(await request.read())))
            return web.Response(status=204)

        app = web.Application()
        app.router.add_post("/listener", handle)
        return app

    async def next(self) -> tuple[dict[str, str], Any]:
        return await asyncio.wait_for(self.received.get(), BOUND)


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    found = Receiver()
    async with serving(found.app()) as url:
        yield found, f"{url}/listener"


async def _top_up(http: aiohttp.ClientSession, ocs_url: str, amount: str) -> Any:
    async with http.post(
        f"{ocs_url}/balanceManagement/v1/service/{SERVICE}/balanceTopup",
        json={"amount": {"units": "cents", "amount": amount}},
        headers=AUTH,
    ) as answer:
        assert answer.status == 201
        return await answer.json()


async def _hubs(http: aiohttp.ClientSession, ocs_url: str) -> list[dict[str, str]]:
    async with http.get(f"{ocs_url}{HUB}", headers=AUTH) as answer:
        assert answer.status == 200
        found: list[dict[str, str]] = await answer.json()
        return found


async def test_registering_needs_basic_auth(http: aiohttp.ClientSession, ocs_url: str) -> None:
    async with http.post(f"{ocs_url}{HUB}", json={"callback": "http://x/listener"}) as answer:
        assert answer.status == 401
        assert answer.headers["Www-Authenticate"].startswith("Basic")
    assert await _hubs(http, ocs_url) == []


async def test_register_list_and_delete(http: aiohttp.ClientSession, ocs_url: str) -> None:
    async with http.post(
        f"{ocs_url}{HUB}", json={"callback": "http://127.0.0.1:1/listener"}, headers=AUTH
    ) as answer:
        assert answer.status == 201
        body = await answer.json()
        assert answer.headers["Location"] == f"{HUB}/{body['id']}"
    assert body == {"callback": "http://127.0.0.1:1/listener", "id": body["id"]}
    assert await _hubs(http, ocs_url) == [{**body, "href": f"{HUB}/{body['id']}"}]

    async with http.delete(f"{ocs_url}{HUB}/{body['id']}", headers=AUTH) as answer:
        assert answer.status == 204
    assert await _hubs(http, ocs_url) == []
    async with http.delete(f"{ocs_url}{HUB}/{body['id']}", headers=AUTH) as answer:
        assert answer.status == 404


async def test_a_top_up_and_its_deletion_are_notified_with_the_registered_auth(
    http: aiohttp.ClientSession, ocs_url: str, receiver: tuple[Receiver, str]
) -> None:
    listener, callback = receiver
    async with http.post(f"{ocs_url}{HUB}", json={"callback": callback}, headers=AUTH) as answer:
        assert answer.status == 201

    bucket = await _top_up(http, ocs_url, "20")
    headers, created = await listener.next()
    async with http.delete(f"{ocs_url}/balanceManagement/v1/bucket/{bucket['id']}", headers=AUTH):
        pass
    _, deleted = await listener.next()

    assert headers["Authorization"] == AUTH["Authorization"]
    assert headers["Content-Type"] == "application/json"
    assert headers["Accept"] == "application/json"
    assert created["eventType"] == "BucketBalanceCreationNotification"
    assert created["event"] == bucket
    # No zone on the time, as recorded.
    assert not created["eventTime"].endswith("Z")
    assert "+" not in created["eventTime"]
    assert deleted["eventType"] == "BucketBalanceDeletionEvent"
    assert deleted["event"] == bucket
    assert deleted["eventId"] != created["eventId"]


async def test_a_failed_delivery_drops_the_hub(
    http: aiohttp.ClientSession, ocs_url: str, receiver: tuple[Receiver, str]
) -> None:
    listener, callback = receiver
    dead = f"http://127.0.0.1:{free_port()}/listener"  # nothing listens there
    for url in (dead, callback):
        async with http.post(f"{ocs_url}{HUB}", json={"callback": url}, headers=AUTH) as answer:
            assert answer.status == 201

    await _top_up(http, ocs_url, "1")
    await listener.next()  # the live hub got its copy
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BOUND
    # Polled, with a bound: the failed delivery ends on its own time.
    while len(await _hubs(http, ocs_url)) != 1:
        if loop.time() > deadline:
            break
        await asyncio.sleep(0.01)

    assert [hub["callback"] for hub in await _hubs(http, ocs_url)] == [callback]
