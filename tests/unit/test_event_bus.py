"""The in-process fan-out: followers get their topic's events; a follower that does not
keep up is dropped instead of holding memory."""

from __future__ import annotations

import pytest

from adapters.events.bus import MemoryBus, SlowConsumerError


async def test_followers_get_their_topics_events() -> None:
    bus = MemoryBus(queue_size=10)
    async with (
        bus.follow("balance:+79000000001") as mine,
        bus.follow("balance:+79000000002") as other,
    ):
        assert bus.following("balance:+79000000001") == 1
        await bus.publish("balance:+79000000001", b"1")
        await bus.publish("balance:+79000000001", b"2")
        assert [await mine.next(), await mine.next()] == [b"1", b"2"]
        await bus.publish("balance:+79000000002", b"x")
        assert await other.next() == b"x"
    assert bus.following("balance:+79000000001") == 0


async def test_a_slow_follower_is_dropped() -> None:
    bus = MemoryBus(queue_size=3)
    async with bus.follow("order:+79000000001") as slow:
        for n in range(4):
            await bus.publish("order:+79000000001", str(n).encode())
        with pytest.raises(SlowConsumerError):
            await slow.next()
