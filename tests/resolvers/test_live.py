"""What a balance subscription yields on events and on a RESYNC (the event bus moved and
events may have been missed), over the fake ports and the in-process bus."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from decimal import Decimal

import pytest

from adapters.cache.number_reads import EVERYTHING
from adapters.events.bus import MemoryBus
from domain.billing import BalanceRecord
from resolvers.live import balance_changes
from tests.harness.clock import FakeClock
from tests.resolvers.fakes import Operator, build_context, build_ports

NUMBER = "+79000000111"


@pytest.fixture
def operator() -> Operator:
    found = Operator(FakeClock())
    found.add_subscriber(NUMBER, Decimal(100), data_gb=1.0)
    return found


async def test_a_resync_sends_the_balance_only_when_it_is_not_what_was_sent(
    operator: Operator,
) -> None:
    ports = build_ports(operator)
    bus = ports.events
    assert isinstance(bus, MemoryBus)
    ctx = build_context(ports, operator.clock, NUMBER)
    changes = balance_changes(ctx, NUMBER)
    topic = f"balance:{NUMBER}"

    async def next_balance() -> BalanceRecord:
        got = await asyncio.wait_for(anext(changes), 5)
        assert isinstance(got, tuple), got
        return got[0]

    async def changed(gigabytes: float) -> None:
        operator.move_data(NUMBER, gigabytes)
        await ports.reads.forget([NUMBER], EVERYTHING)  # what the listener does

    first = asyncio.create_task(next_balance())
    for _ in range(1000):  # the generator follows its topic on its first step
        if bus.following(topic):
            break
        await asyncio.sleep(0)
    assert bus.following(topic) == 1
    # Nothing sent yet: a resync sends the balance (the subscriber has none from us).
    bus.resync()
    before = await first
    # A resync with nothing changed sends nothing; the event after it sends the change.
    pending = asyncio.create_task(next_balance())
    bus.resync()
    # The fakes answer in memory, without I/O: a hundred turns of the loop are plenty
    # for the resync's read to be done (and, were it sent, for the task to finish).
    for _ in range(100):
        await asyncio.sleep(0)
    assert not pending.done(), "an unchanged balance was sent again after a resync"
    await changed(2.0)
    await bus.publish(topic, b'{"any":"event"}')
    after_event = await pending
    assert after_event.quotas != before.quotas, "the unchanged resync was sent"
    # A resync after a change that was missed sends the new balance.
    await changed(1.0)
    bus.resync()
    after_resync = await next_balance()
    assert after_resync.quotas != after_event.quotas
    assert isinstance(changes, AsyncGenerator)
    await changes.aclose()
