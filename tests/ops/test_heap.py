"""The collector around a worker's life (gateway/heap.py): the young generation collected
less often while the gateway runs, and Python's thresholds given back when it stops."""

from __future__ import annotations

import gc

from tests.conftest import GatewayFactory


async def test_a_running_gateway_sets_the_young_threshold_and_gives_it_back(
    start_gateway: GatewayFactory,
) -> None:
    before = gc.get_threshold()
    async with start_gateway(gc_young_threshold=4_000) as gateway:
        assert gc.get_threshold() == (4_000, before[1], before[2])
        answer = await gateway.query("{ __typename }")
        assert answer.data == {"__typename": "Query"}
    assert gc.get_threshold() == before
