"""Reads are retried within the request's budget, honouring Retry-After; writes never."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from prometheus_client import REGISTRY

from adapters.errors import BackendResponseError
from adapters.http import BackendClient, RetryPolicy
from adapters.scope import request_scope
from tests.harness.loopback_app import serving


class Flaky:
    """Answers 503 (with Retry-After) `failures` times, then 200."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.retry_after = "0.01"
        self.calls = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.calls += 1
        if self.calls <= self.failures:
            headers = {"Retry-After": self.retry_after}
            return web.json_response({"code": "BUSY"}, status=503, headers=headers)
        return web.json_response([{"ok": True}])


@pytest.fixture
async def flaky_server() -> AsyncIterator[tuple[str, Flaky]]:
    flaky = Flaky(failures=1)
    app = web.Application()
    app.router.add_route("*", "/thing", flaky.handle)
    async with serving(app) as url:
        yield url, flaky


async def test_a_read_is_retried_after_retry_after(flaky_server: tuple[str, Flaky]) -> None:
    url, flaky = flaky_server
    before = _retries("x")
    async with aiohttp.ClientSession() as session:
        client = BackendClient("x", session, url, 2, retry=RetryPolicy(attempts=3))
        with request_scope(5, retry_budget=2):
            assert await client.get("/thing") == [{"ok": True}]
    assert flaky.calls == 2
    assert _retries("x") == before + 1, "the retry is counted in /metrics"


def _retries(backend: str) -> float:
    return REGISTRY.get_sample_value("tgw_backend_retries_total", {"backend": backend}) or 0.0


async def test_the_retry_budget_is_per_request(flaky_server: tuple[str, Flaky]) -> None:
    url, flaky = flaky_server
    flaky.failures = 100
    async with aiohttp.ClientSession() as session:
        client = BackendClient("x", session, url, 2, retry=RetryPolicy(attempts=5))
        with request_scope(5, retry_budget=1):
            with pytest.raises(BackendResponseError):
                await client.get("/thing")
            with pytest.raises(BackendResponseError):
                await client.get("/thing")
    # 1 + 1 retry for the first call, and no retry left for the second.
    assert flaky.calls == 3


async def test_a_write_is_never_retried(flaky_server: tuple[str, Flaky]) -> None:
    url, flaky = flaky_server
    async with aiohttp.ClientSession() as session:
        client = BackendClient("x", session, url, 2, retry=RetryPolicy(attempts=3))
        with request_scope(5, retry_budget=2), pytest.raises(BackendResponseError) as caught:
            await client.post("/thing", {"amount": 1})
    assert caught.value.status == 503
    assert flaky.calls == 1


async def test_retry_after_beyond_the_deadline_is_not_waited_for(
    flaky_server: tuple[str, Flaky],
) -> None:
    url, flaky = flaky_server
    # Far beyond the request's deadline, which is itself roomy: no race with a busy machine.
    flaky.retry_after = "60"
    async with aiohttp.ClientSession() as session:
        client = BackendClient("x", session, url, 2, retry=RetryPolicy(attempts=3))
        with request_scope(5, retry_budget=2), pytest.raises(BackendResponseError):
            await client.get("/thing")
    assert flaky.calls == 1
