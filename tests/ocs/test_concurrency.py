"""No batch filter in OCS: a batch is one call per number, run concurrently but never
more at once than the adapter's cap (counted in the server, not assumed)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from adapters.billing.ocs import build_ocs_billing
from tests.harness.clock import FakeClock
from tests.harness.loopback_app import serving
from tests.ocs.captures import BUCKETS, SERVICE, capture, captured_at
from tests.ocs.servers import PASSWORD, USERNAME

CAP = 3
NUMBERS = [f"+7900000{n:04d}" for n in range(10)]
# A request held longer than this means the adapter never had CAP requests in flight.
GATE_TIMEOUT = 5.0


@dataclass
class Gauge:
    """Holds every request until CAP of them are in flight at once, then lets all through:
    the peak reaches CAP only if the adapter runs calls concurrently, and goes above it
    if the adapter does not cap them."""

    in_flight: int = 0
    peak: int = 0
    served: int = 0
    gate: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            if self.in_flight >= CAP:
                self.gate.set()
            await asyncio.wait_for(self.gate.wait(), GATE_TIMEOUT)
            self.served += 1
            if request.path.startswith("/serviceInventoryManagement/"):
                return capture(SERVICE).response()
            return capture(BUCKETS).response()
        finally:
            self.in_flight -= 1


async def test_a_batch_runs_concurrently_under_the_cap(http: aiohttp.ClientSession) -> None:
    gauge = Gauge()
    app = web.Application()
    app.router.add_get("/{tail:.*}", gauge.handle)
    async with serving(app) as url:
        clock = FakeClock(captured_at())
        billing = build_ocs_billing(http, url, USERNAME, PASSWORD, 10.0, CAP, clock)

        found = await billing.balances(NUMBERS)

    assert set(found) == set(NUMBERS)
    # One service and one bucket call per number: no batching to be had.
    assert gauge.served == 2 * len(NUMBERS)
    assert gauge.peak == CAP
