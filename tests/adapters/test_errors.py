"""aiohttp's failures leave the adapters as the documented BackendError tree."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from adapters.billing.http import HttpBilling
from adapters.errors import (
    BackendNotFoundError,
    BackendResponseError,
    BackendTimeoutError,
    BackendUnavailableError,
)
from adapters.http import BackendClient
from backends.runner import BackendsThread
from tests.harness.backends import BackendAdmin
from tests.harness.clock import FakeClock
from tests.harness.loopback_app import serving
from tests.harness.network import free_port


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


async def test_a_refused_connection_is_unavailable(session: aiohttp.ClientSession) -> None:
    client = BackendClient("billing", session, f"http://127.0.0.1:{free_port()}", timeout=2)
    with pytest.raises(BackendUnavailableError) as caught:
        await client.get("/anything")
    assert caught.value.backend == "billing"
    assert caught.value.code == "BACKEND_UNAVAILABLE"


async def test_a_dropped_connection_is_unavailable(
    backends: BackendsThread, session: aiohttp.ClientSession, admins: dict[str, BackendAdmin]
) -> None:
    await admins["billing"].faults(down=True)
    billing = HttpBilling(BackendClient("billing", session, backends.billing_url, 2), FakeClock())
    with pytest.raises(BackendUnavailableError):
        await billing.balances(["+79000000001"])


async def test_a_hanging_backend_times_out(
    backends: BackendsThread, session: aiohttp.ClientSession, admins: dict[str, BackendAdmin]
) -> None:
    await admins["billing"].faults(hang=True)
    client = BackendClient("billing", session, backends.billing_url, timeout=0.2)
    with pytest.raises(BackendTimeoutError):
        await client.get("/tmf-api/prepayBalanceManagement/v4/bucket")


async def test_a_500_is_a_response_error_with_its_status(
    backends: BackendsThread, session: aiohttp.ClientSession, admins: dict[str, BackendAdmin]
) -> None:
    await admins["billing"].faults(error_rate=1.0)
    client = BackendClient("billing", session, backends.billing_url, timeout=2)
    with pytest.raises(BackendResponseError) as caught:
        await client.get("/tmf-api/prepayBalanceManagement/v4/bucket")
    assert caught.value.status == 500


async def test_a_404_is_not_found(backends: BackendsThread, session: aiohttp.ClientSession) -> None:
    client = BackendClient("billing", session, backends.billing_url, timeout=2)
    with pytest.raises(BackendNotFoundError):
        await client.get("/tmf-api/prepayBalanceManagement/v4/bucket/NO-SUCH-BUCKET")


async def test_an_html_or_malformed_answer_is_a_response_error(
    session: aiohttp.ClientSession,
) -> None:
    async def html(request: web.Request) -> web.Response:
        return web.Response(text="<html>oops</html>", content_type="text/html")

    async def wrong_shape(request: web.Request) -> web.Response:
        return web.json_response({"not": "a list"})

    app = web.Application()
    app.router.add_get("/html", html)
    app.router.add_get("/tmf-api/prepayBalanceManagement/v4/bucket", wrong_shape)
    async with serving(app) as url:
        client = BackendClient("billing", session, url, timeout=2)
        with pytest.raises(BackendResponseError, match="not JSON"):
            await client.get("/html")
        with pytest.raises(BackendResponseError, match="unreadable bucket"):
            await HttpBilling(client, FakeClock()).balances(["+79000000001"])
