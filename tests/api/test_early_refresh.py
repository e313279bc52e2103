"""Hot entries are refreshed before they expire, once, without ever writing back what a
change replaced (adapters/cache/early.py, refresher.py): over a real Redis and the
simulators, the clock moved by hand (the moment an entry was written is in the entry, so
the fake clock drives freshness over Redis too)."""

from __future__ import annotations

import asyncio
import math
import re
from typing import Any

import pytest
from prometheus_client import REGISTRY
from redis.asyncio import Redis

from adapters.billing.codec import decode_balance
from adapters.cache.answers import AnswerCache
from adapters.cache.early import EarlyRefresh, unstamp
from adapters.cache.reads import ReadCaches
from adapters.cache.redis import RedisCache
from adapters.cache.refresher import Refresher
from tests.api.queries import DASHBOARD, HOME_SCREEN
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.clock import FakeClock
from tests.harness.gateway import GatewayClient
from tests.unit.test_cached_reads import GatedBackend

NUMBER = "+79000000002"
TTL = 60.0
AHEAD = 0.25
# Reads and balances refreshed early; whole answers off unless a test keeps them.
SETTINGS = {"read_ttl": TTL, "balance_ttl": TTL, "answer_ttl": 0, "refresh_ahead": AHEAD}
_READ_KEY = re.compile(r":(products|customer|links|activations|charges):r2:|:balance:v2:")


async def _calls(admins: dict[str, BackendAdmin]) -> int:
    return sum([sum((await a.counts()).values()) for a in admins.values()])


async def _reset(admins: dict[str, BackendAdmin]) -> None:
    for admin in admins.values():
        await admin.reset()


async def _moments(redis_url: str, namespace: str, ttl: float = TTL) -> dict[str, float]:
    """Each kept read's refresh moment, from the entries as stored."""
    policy = EarlyRefresh(AHEAD)
    client = Redis.from_url(redis_url)
    found: dict[str, float] = {}
    try:
        async for raw in client.scan_iter(match=f"{namespace}:*"):
            key = raw.decode()
            if not _READ_KEY.search(key):
                continue
            value = await client.get(key)
            if value is None:
                continue
            assert isinstance(value, bytes)  # the client does not decode
            if ":balance:" in key:
                written = decode_balance(value).updated_at.timestamp()
            else:
                stamped = unstamp(value)
                assert stamped is not None, key
                written = stamped[0]
            found[key] = policy.refresh_at(key, written, ttl)
    finally:
        await client.aclose()
    return found


def _advance_to(clock: FakeClock, moment: float) -> None:
    # To the microsecond at or after `moment` (the clock's resolution).
    clock.advance(math.ceil((moment - clock.now().timestamp()) * 1e6) / 1e6)


def _refreshes(cache: str, result: str) -> float:
    value = REGISTRY.get_sample_value("tgw_cache_refresh_total", {"cache": cache, "result": result})
    return value or 0.0


def _provisioned(data: Any) -> Any:
    """What provisioning's reads make of the home screen."""
    return {k: data["me"][k] for k in ("name", "region", "tariff", "services", "linkedNumbers")}


async def _settled(*gateways: GatewayClient) -> None:
    for gateway in gateways:
        await gateway.runtime.ports.reads.settled()


async def test_hot_entries_are_refreshed_before_they_expire(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin], redis_url: str, namespace: str
) -> None:
    clock = FakeClock()
    async with start_gateway(clock, **SETTINGS) as gateway:
        token = gateway.subscriber_token(NUMBER)
        written = clock.now().timestamp()
        await _reset(admins)
        first = await gateway.query(HOME_SCREEN, token=token)
        cold = await _calls(admins)
        moments = await _moments(redis_url, namespace)
        kinds = {_READ_KEY.search(k).group(0) for k in moments}  # type: ignore[union-attr]
        assert len(kinds) == 6, kinds
        assert all(written + TTL * (1 - AHEAD) <= m < written + TTL for m in moments.values())

        # At the last entry's refresh moment every entry is due and none has expired.
        await _reset(admins)
        _advance_to(clock, max(moments.values()))
        again = await gateway.query(HOME_SCREEN, token=token)
        assert again.errors == []
        assert again.data == first.data, "served the kept entries while they refresh"
        await _settled(gateway)
        assert await _calls(admins) == cold, "each entry refreshed once, before its TTL"

        # Past the TTL of the entries first written: the refreshed ones answer.
        await _reset(admins)
        _advance_to(clock, written + TTL + 0.001)
        late = await gateway.query(HOME_SCREEN, token=token)
        assert late.errors == []
        assert await _calls(admins) == 0, "a read at TTL + epsilon is a hit"


async def test_a_hot_entry_has_one_refresh_in_flight_across_processes(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin], redis_url: str, namespace: str
) -> None:
    clock = FakeClock()
    async with start_gateway(clock, **SETTINGS) as one, start_gateway(clock, **SETTINGS) as two:
        token = one.subscriber_token(NUMBER)
        await _reset(admins)
        first = await one.query(HOME_SCREEN, token=token)
        cold = await _calls(admins)
        moments = await _moments(redis_url, namespace)
        await _reset(admins)
        _advance_to(clock, max(moments.values()))
        # Slow backends keep each refresh in flight while the other reads arrive.
        for name in ("billing", "provisioning", "loyalty"):
            await admins[name].faults(latency_ms=100)
        answers = await asyncio.gather(
            *(gateway.query(HOME_SCREEN, token=token) for gateway in (one, two) * 10)
        )
        assert all(a.errors == [] and a.data == first.data for a in answers)
        await _settled(one, two)
        assert await _calls(admins) == cold, "one refresh per entry for 20 reads, 2 processes"


async def test_a_failed_refresh_keeps_the_entry_until_it_expires_and_is_counted(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin], redis_url: str, namespace: str
) -> None:
    clock = FakeClock()
    async with start_gateway(clock, **SETTINGS) as gateway:
        token = gateway.subscriber_token(NUMBER)
        written = clock.now().timestamp()
        first = await gateway.query(HOME_SCREEN, token=token)
        moments = await _moments(redis_url, namespace)
        failed = _refreshes("products", "failed")
        _advance_to(clock, max(moments.values()))
        await admins["provisioning"].faults(down=True)
        during = await gateway.query(HOME_SCREEN, token=token)
        await _settled(gateway)
        assert during.errors == []
        assert during.data == first.data
        assert _refreshes("products", "failed") == failed + 1
        # Still within its TTL: served again, though its refresh failed (the balance was
        # refreshed meanwhile: billing works).
        again = await gateway.query(HOME_SCREEN, token=token)
        assert again.errors == []
        assert _provisioned(again.data) == _provisioned(first.data)
        # Past it, the entry is gone: provisioning's fields fail, nothing older is served.
        _advance_to(clock, written + TTL + 0.001)
        late = await gateway.query(HOME_SCREEN, token=token)
        assert "BACKEND_UNAVAILABLE" in late.codes


@pytest.mark.parametrize("other_process", [False, True], ids=["same-process", "other-process"])
async def test_a_refresh_started_before_a_change_never_writes_after_it(
    redis_url: str, namespace: str, other_process: bool
) -> None:
    clock = FakeClock()
    redis = Redis.from_url(redis_url)
    cache = RedisCache(redis)
    refresher = Refresher(cache, concurrency=4)
    backend = GatedBackend("before the change")

    def reads_of_a_process() -> ReadCaches:
        early = EarlyRefresh(AHEAD)
        return ReadCaches(cache, namespace, TTL, clock=clock, early=early, refresher=refresher)

    reading = reads_of_a_process().of("customer", backend.fetch, str)
    # The change is made by this process, or by another one sharing the Redis (whose
    # flights know nothing of this one's: only the write that checks the entry helps).
    changing = reads_of_a_process().of("customer", backend.fetch, str) if other_process else reading
    try:
        assert await reading.get(["a"]) == {"a": "before the change"}
        stored = await redis.get(reading.key("a"))
        assert isinstance(stored, bytes)
        written = unstamp(stored)
        assert written is not None
        _advance_to(clock, EarlyRefresh(AHEAD).refresh_at(reading.key("a"), written[0], TTL))
        backend.gate.clear()
        backend.started.clear()
        assert await reading.get(["a"]) == {"a": "before the change"}, "served while due"
        await backend.started.wait()  # the refresh has read the backend: before the change
        backend.value = "after the change"
        await changing.forget(["a"])
        backend.gate.set()
        await refresher.settled()
        assert await redis.get(reading.key("a")) is None, "the refresh wrote nothing back"
        assert await reading.get(["a"]) == {"a": "after the change"}
    finally:
        await refresher.close()
        await redis.aclose()


async def test_entries_written_together_get_refresh_moments_spread_over_the_window(
    start_gateway: GatewayFactory, redis_url: str, namespace: str
) -> None:
    clock = FakeClock()
    numbers = [f"+790000000{n:02d}" for n in range(10, 50)]
    async with start_gateway(clock, **SETTINGS) as gateway:
        written = clock.now().timestamp()
        board = await gateway.query(DASHBOARD, {"msisdns": numbers}, token=gateway.agent_token())
        assert board.errors == []
    moments = list((await _moments(redis_url, namespace)).values())
    assert len(moments) >= 5 * len(numbers)
    start, width = written + TTL * (1 - AHEAD), TTL * AHEAD
    assert len(set(moments)) > 0.95 * len(moments)
    quarters = [0, 0, 0, 0]
    for moment in moments:
        quarters[int((moment - start) / width * 4)] += 1
    # About a quarter each (expected >= 50, sd ~ 7): not bunched at one moment.
    assert min(quarters) > 0.1 * len(moments), quarters


async def test_a_kept_answer_is_computed_again_by_one_request_before_it_expires(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    clock = FakeClock()
    settings = {**SETTINGS, "answer_ttl": TTL, "read_ttl": 10 * TTL, "balance_ttl": 10 * TTL}
    async with start_gateway(clock, **settings) as gateway:
        token = gateway.subscriber_token(NUMBER)
        first = await gateway.query(HOME_SCREEN, token=token)
        started, ok = _refreshes("answer", "started"), _refreshes("answer", "ok")
        # Due for certain at the end of its TTL (the moment is jittered within the window).
        clock.advance(TTL - 0.001)
        answers = await asyncio.gather(
            *(gateway.query(HOME_SCREEN, token=token) for _ in range(10))
        )
        assert all(a.errors == [] and a.data == first.data for a in answers)
        assert _refreshes("answer", "started") == started + 1, "one request computes it again"
        assert _refreshes("answer", "ok") == ok + 1
        hits = REGISTRY.get_sample_value("tgw_answer_cache_total", {"result": "hit"}) or 0.0
        clock.advance(0.002)
        late = await gateway.query(HOME_SCREEN, token=token)
        assert late.data == first.data
        after = REGISTRY.get_sample_value("tgw_answer_cache_total", {"result": "hit"}) or 0.0
        assert after == hits + 1, "past the first answer's TTL, the refreshed one is served"


async def test_a_failed_answer_refresh_serves_the_kept_answer_and_is_counted(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    clock = FakeClock()
    # The reads expire before the answer: computing it again asks the backends.
    settings = {**SETTINGS, "answer_ttl": TTL, "read_ttl": TTL / 4, "balance_ttl": TTL / 4}
    async with start_gateway(clock, **settings) as gateway:
        token = gateway.subscriber_token(NUMBER)
        first = await gateway.query(HOME_SCREEN, token=token)
        failed = _refreshes("answer", "failed")
        clock.advance(TTL - 0.001)
        await admins["provisioning"].faults(down=True)
        during = await gateway.query(HOME_SCREEN, token=token)
        assert during.errors == []
        assert during.data == first.data
        assert _refreshes("answer", "failed") == failed + 1


async def test_an_answer_recomputed_across_a_change_is_never_served(
    redis_url: str, namespace: str
) -> None:
    clock = FakeClock()
    redis = Redis.from_url(redis_url)
    # Two processes' answer caches over one Redis.
    one = AnswerCache(RedisCache(redis), namespace, TTL, clock, EarlyRefresh(AHEAD))
    other = AnswerCache(RedisCache(redis), namespace, TTL, clock, EarlyRefresh(AHEAD))
    try:
        epoch = (await one.lookup(NUMBER, "k")).epoch
        await one.store(NUMBER, "k", epoch, b'{"data": "before"}')
        clock.advance(TTL - 0.001)  # due for certain: the window ends at the TTL
        refreshing = await one.lookup(NUMBER, "k")
        assert refreshing == (b'{"data": "before"}', epoch, True)
        # Everyone else, in this process or another, is served the kept answer meanwhile.
        assert (await one.lookup(NUMBER, "k")).refreshing is False
        assert (await other.lookup(NUMBER, "k")) == (b'{"data": "before"}', epoch, False)
        # The number changes while the recomputation runs; it then stores what it computed.
        await other.forget([NUMBER])
        await one.store(NUMBER, "k", epoch, b'{"data": "computed before"}')
        one.done(NUMBER, "k")
        after = await other.lookup(NUMBER, "k")
        assert after.answer is None, "what was computed before the change is never served"
    finally:
        await redis.aclose()
