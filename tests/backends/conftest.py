"""Fixtures: the four simulators on loopback and a small typed HTTP client per test.

``backends`` here overrides the suite-wide fixture of the same name: these tests run
against a world of their own, independent of how the gateway tests size theirs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest

from backends.runner import BackendsConfig, BackendsThread
from tests.backends.numbers import NumberPool
from tests.backends.simulators import Simulators

# Small enough to start in a blink, large enough for every kind of subscriber to occur.
TEST_WORLD_SIZE = 200
HUB_SECRET = "test-hub-secret"


@pytest.fixture(scope="session")
def backends() -> Iterator[BackendsThread]:
    # Orders and statements complete within their POST: tests that walk the states one
    # by one start services of their own with a long step.
    config = BackendsConfig(size=TEST_WORLD_SIZE, order_step_ms=0, hub_secret=HUB_SECRET)
    with BackendsThread(config) as running:
        yield running


@pytest.fixture(scope="session")
def numbers(backends: BackendsThread) -> NumberPool:
    """Fresh subscribers for tests that change them."""
    return NumberPool(backends.world)


@pytest.fixture
async def sim(backends: BackendsThread) -> AsyncIterator[Simulators]:
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        yield Simulators(session, backends.urls)


@pytest.fixture
async def faults(sim: Simulators) -> AsyncIterator[Simulators]:
    """The client, with every service's faults cleared after the test."""
    yield sim
    await sim.reset_faults()
