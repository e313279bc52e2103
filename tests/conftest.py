"""Shared fixtures: the simulated backends (real HTTP on loopback), a real redis-server,
and the gateway under test."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any

import aiohttp
import pytest
import redis
import redis.asyncio

from adapters.clock import Clock
from backends.runner import BackendsConfig, BackendsThread
from gateway.settings import Settings
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import HUB_SECRET, GatewayClient, running_gateway
from tests.harness.redis_server import RedisServer, answers

# Small enough to start fast, large enough for the 50-number dashboard.
DATASET_SIZE = 400


@pytest.fixture(scope="session")
def backends() -> Iterator[BackendsThread]:
    # Orders complete inside their POST: the actions' effects are visible at once.
    config = BackendsConfig(size=DATASET_SIZE, seed=42, order_step_ms=0, hub_secret=HUB_SECRET)
    with BackendsThread(config) as running:
        yield running


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """REDIS_URL when it answers (make test provides one); else a redis-server of our own."""
    given = os.environ.get("REDIS_URL")
    if given and answers(given):
        yield given
        return
    server = RedisServer()
    server.start()
    try:
        yield server.url
    finally:
        server.cleanup()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def admins(
    backends: BackendsThread, http: aiohttp.ClientSession
) -> AsyncIterator[dict[str, BackendAdmin]]:
    """Every simulator's admin (support's too), its faults cleared and counters reset."""
    found = {name: BackendAdmin(name, url, http) for name, url in backends.urls.items()}
    for admin in found.values():
        await admin.clear_faults()
        await admin.reset()
    yield found
    # Faults must not leak into the next test.
    for admin in found.values():
        await admin.clear_faults()


@pytest.fixture
async def namespace(redis_url: str) -> AsyncIterator[str]:
    """A cache namespace of the test's own; its keys are removed afterwards."""
    name = f"tgw-test-{uuid.uuid4().hex[:12]}"
    yield name
    client = redis.asyncio.Redis.from_url(redis_url)
    keys = [key async for key in client.scan_iter(match=f"{name}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


SettingsFactory = Callable[..., Settings]


@pytest.fixture
def make_settings(backends: BackendsThread, namespace: str, redis_url: str) -> SettingsFactory:
    def build(*, use_redis: bool = True, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "billing_url": backends.billing_url,
            "provisioning_url": backends.provisioning_url,
            "sms_url": backends.sms_url,
            "loyalty_url": backends.loyalty_url,
            "support_url": backends.support_url,
            "hub_secret": HUB_SECRET,
            "redis_url": redis_url if use_redis else None,
            "cache_namespace": namespace,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)

    return build


GatewayFactory = Callable[..., AbstractAsyncContextManager[GatewayClient]]


@pytest.fixture
def start_gateway(make_settings: SettingsFactory) -> GatewayFactory:
    def start(
        clock: Clock | None = None, **overrides: Any
    ) -> AbstractAsyncContextManager[GatewayClient]:
        return running_gateway(make_settings(**overrides), clock)

    return start


@pytest.fixture
async def gateway(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> AsyncIterator[GatewayClient]:
    async with start_gateway() as client:
        for admin in admins.values():
            await admin.reset()
        yield client
