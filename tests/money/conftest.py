"""Fixtures of the money path: billing in either dialect (fresh per test, so sums are
exact), the payment system beside it, and gateways sharing one Redis namespace, so a
second gateway is the first one restarted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from backends.billing.app import create_app as create_v4_app
from backends.config import ServiceConfig
from backends.dataset import World, build_world
from backends.ocs.app import create_app as create_ocs_app
from backends.ocs.auth import DEFAULT_PASSWORD, DEFAULT_USERNAME
from tests.conftest import SettingsFactory
from tests.harness.gateway import GatewayClient, running_gateway
from tests.harness.loopback_app import serving
from tests.money.books import Books

WORLD_SIZE = 60
WORLD_SEED = 42


@pytest.fixture(scope="session")
def money_world() -> World:
    return build_world(WORLD_SIZE, WORLD_SEED)


@dataclass
class MoneyBackends:
    dialect: str
    billing_url: str
    payments_url: str
    http: aiohttp.ClientSession

    @property
    def books(self) -> Books:
        return Books(self.http, self.dialect, self.billing_url, self.payments_url)

    async def billing_faults(self, **faults: Any) -> None:
        async with self.http.put(f"{self.billing_url}/admin/faults", json=faults) as answer:
            answer.raise_for_status()

    async def payment_faults(self, **faults: str) -> None:
        async with self.http.put(
            f"{self.payments_url}/admin/payment-faults", json=faults
        ) as answer:
            answer.raise_for_status()


@asynccontextmanager
async def money_backends(
    dialect: str, world: World, http: aiohttp.ClientSession
) -> AsyncIterator[MoneyBackends]:
    config = ServiceConfig(size=WORLD_SIZE, seed=WORLD_SEED, world=world)
    async with AsyncExitStack() as stack:
        payments_url = await stack.enter_async_context(serving(create_v4_app(config)))
        if dialect == "sigscale-ocs":
            billing_url = await stack.enter_async_context(serving(create_ocs_app(config)))
        else:
            # The TMF v4 simulator is billing and payments in one.
            billing_url = payments_url
        yield MoneyBackends(dialect, billing_url, payments_url, http)


@pytest.fixture(params=["tmf-v4", "sigscale-ocs"])
async def money(
    request: pytest.FixtureRequest, money_world: World, http: aiohttp.ClientSession
) -> AsyncIterator[MoneyBackends]:
    async with money_backends(request.param, money_world, http) as backends:
        yield backends


@pytest.fixture
async def ocs_money(
    money_world: World, http: aiohttp.ClientSession
) -> AsyncIterator[MoneyBackends]:
    async with money_backends("sigscale-ocs", money_world, http) as backends:
        yield backends


def gateway_on(
    make_settings: SettingsFactory, money: MoneyBackends, **overrides: Any
) -> AbstractAsyncContextManager[GatewayClient]:
    values: dict[str, Any] = {
        "billing_dialect": money.dialect,
        "billing_url": money.billing_url,
        "payments_url": money.payments_url,
        "billing_username": DEFAULT_USERNAME,
        "billing_password": DEFAULT_PASSWORD,
        # Short, so a crashed owner's lease runs out and recovery comes round quickly.
        "saga_lease_seconds": 0.5,
        "saga_recovery_interval": 0.1,
        "saga_settle_seconds": 0.3,
        # Faults here are on purpose: a breaker opening would only slow the settling down.
        "breaker_failures": 1000,
        "hub_secret": None,
    }
    values.update(overrides)
    return running_gateway(make_settings(**values))
