"""A request leaves nothing of the gateway's to the cyclic garbage collector: each is freed
by reference counting as it ends. A cycle through a request's context held all it read (its
loaders, records, plan run) until the collector's next pass, and with the young generation
collected less often (gateway/heap.py) that was a worker's memory doubling
under batched screens (bench/RESULTS.md)."""

from __future__ import annotations

import gc
from collections import Counter

from bench.queries import DASHBOARD, HOME_PARTS, HOME_SCREEN
from tests.conftest import GatewayFactory
from tests.harness.clock import FakeClock

NUMBER = "+79000000001"
OURS = ("gateway", "resolvers", "schema", "adapters", "domain")


async def test_screens_leave_no_cycles_of_the_gateways_objects(
    start_gateway: GatewayFactory,
) -> None:
    async with start_gateway(FakeClock(), answer_ttl=0) as gateway:
        token = gateway.subscriber_token(NUMBER)
        agent = gateway.agent_token()
        numbers = [f"+790000000{n:02d}" for n in range(10, 20)]

        async def screens() -> None:
            assert (await gateway.query(HOME_SCREEN, token=token)).errors == []
            batch = [{"query": q} for q in HOME_PARTS]
            answer = await gateway.post(batch, token=token)
            assert answer.status == 200
            dashboard = await gateway.query(DASHBOARD, {"msisdns": numbers}, token=agent)
            assert dashboard.errors == []

        await screens()  # caches filled, plans compiled: what stays is kept on purpose
        gc.collect()
        gc.disable()
        try:
            for _ in range(3):
                await screens()
            gc.set_debug(gc.DEBUG_SAVEALL)
            gc.collect()
            ours = Counter(
                f"{type(o).__module__}.{type(o).__qualname__}"
                for o in gc.garbage
                if type(o).__module__.split(".")[0] in OURS
            )
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
            gc.enable()
    assert ours == Counter()
