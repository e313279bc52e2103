"""Fixtures: the OCS adapter against a replay of the recorded answers, and against the
simulator (beside the v4 billing simulator, over one world)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from adapters.billing.http import HttpBilling
from adapters.billing.ocs import OcsBilling, build_ocs_billing
from adapters.http import BackendClient
from backends.billing.app import create_app as create_v4_app
from backends.config import ServiceConfig
from backends.dataset import World, build_world
from backends.ocs.app import create_app as create_ocs_app
from backends.ocs.auth import DEFAULT_PASSWORD, DEFAULT_USERNAME
from tests.harness.clock import FakeClock
from tests.harness.loopback_app import serving
from tests.ocs.captures import captured_at
from tests.ocs.servers import PASSWORD, USERNAME, Replay

CONCURRENCY = 4


@pytest.fixture
def replay() -> Replay:
    return Replay()


@pytest.fixture
async def replay_url(replay: Replay) -> AsyncIterator[str]:
    async with serving(replay.app()) as url:
        yield url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(captured_at())


@pytest.fixture
def replay_billing(http: aiohttp.ClientSession, replay_url: str, clock: FakeClock) -> OcsBilling:
    # The captured system's offering is priced in USD.
    return build_ocs_billing(
        http, replay_url, USERNAME, PASSWORD, 5.0, CONCURRENCY, clock, currency="USD"
    )


# Small to build, large enough for every tariff, packages, zero and negative balances.
WORLD_SIZE = 60
WORLD_SEED = 42


@pytest.fixture(scope="session")
def world() -> World:
    return build_world(WORLD_SIZE, WORLD_SEED)


def _config(world: World) -> ServiceConfig:
    return ServiceConfig(size=WORLD_SIZE, seed=WORLD_SEED, world=world)


@pytest.fixture
async def ocs_url(world: World) -> AsyncIterator[str]:
    """A fresh simulated OCS per test: top-ups change its state."""
    async with serving(create_ocs_app(_config(world))) as url:
        yield url


@pytest.fixture(scope="session")
async def v4_url(world: World) -> AsyncIterator[str]:
    """The TMF v4 billing simulator over the same world, for comparison."""
    async with serving(create_v4_app(_config(world))) as url:
        yield url


@pytest.fixture
def ocs_billing(http: aiohttp.ClientSession, ocs_url: str) -> OcsBilling:
    return build_ocs_billing(
        http, ocs_url, DEFAULT_USERNAME, DEFAULT_PASSWORD, 5.0, CONCURRENCY, FakeClock()
    )


@pytest.fixture
def v4_billing(http: aiohttp.ClientSession, v4_url: str) -> HttpBilling:
    return HttpBilling(BackendClient("billing", http, v4_url, 5.0), FakeClock())
