"""The differential test's gateway: the real one against the simulators, on a clock the
test holds still (nothing expires between the two executors' runs), with backends whose
failures do not accumulate (tests/plan/faults.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from backends.runner import BackendsThread
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.clock import FakeClock
from tests.harness.gateway import GatewayClient
from tests.plan.faults import STEADY_BACKENDS
from tests.plan.operations import Cast


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def plan_gateway(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin], clock: FakeClock
) -> AsyncIterator[GatewayClient]:
    async with start_gateway(clock, **STEADY_BACKENDS) as client:
        yield client


@pytest.fixture
def cast(backends: BackendsThread, clock: FakeClock) -> Cast:
    return Cast(backends.world, clock.now())
