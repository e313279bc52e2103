"""Fixtures of the adapter tests: the security store in Redis and in process alike, so
that every such test proves both implementations of the one port."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis.asyncio

from adapters.security.memory_store import MemorySecurityStore
from adapters.security.port import SecurityStore
from adapters.security.redis_store import RedisSecurityStore
from tests.harness.clock import FakeClock


@pytest.fixture(params=["redis", "in-process"])
async def store_and_clock(
    request: pytest.FixtureRequest, redis_url: str, namespace: str
) -> AsyncIterator[tuple[SecurityStore, FakeClock]]:
    """A security store (each test runs once per implementation) and the clock it reads."""
    clock = FakeClock()
    if request.param == "in-process":
        yield MemorySecurityStore(clock), clock
        return
    client = redis.asyncio.Redis.from_url(redis_url)
    yield RedisSecurityStore(client, clock, namespace), clock
    await client.aclose()
