"""A worker freezes its start-up heap, so full collections skip it (bench/RESULTS.md)."""

from __future__ import annotations

import gc

from tests.conftest import GatewayFactory


async def test_the_start_up_heap_is_frozen_while_serving(start_gateway: GatewayFactory) -> None:
    async with start_gateway():
        # The schema, the clients and the catalog: tens of thousands of objects at least.
        assert gc.get_freeze_count() > 10_000
    assert gc.get_freeze_count() == 0, "handed back at shutdown"
