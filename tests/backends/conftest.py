"""Fixtures: the four simulators on loopback and a small typed HTTP client per test.

``backends`` here overrides the suite-wide fixture of the same name: these tests run
against a world of their own, independent of how the gateway tests size theirs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest

from backends.runner import BackendsConfig, BackendsThread
from tests.backends.simulators import Simulators

# Small enough to start in a blink, large enough for every kind of subscriber to occur.
TEST_WORLD_SIZE = 200


@pytest.fixture(scope="session")
def backends() -> Iterator[BackendsThread]:
    with BackendsThread(BackendsConfig(size=TEST_WORLD_SIZE)) as running:
        yield running


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
