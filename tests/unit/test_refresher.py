"""The background refresher: bounded, one refresh per entry, failures counted, nothing
left running after close."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from prometheus_client import REGISTRY

from adapters.cache.memory import MemoryCache
from adapters.cache.refresher import Refresher
from adapters.scope import RequestScope, current_scope, request_scope
from tests.harness.clock import FakeClock


def _count(result: str) -> float:
    labels = {"cache": "unit", "result": result}
    return REGISTRY.get_sample_value("tgw_cache_refresh_total", labels) or 0.0


class GatedRuns:
    """Refreshes that wait for `gate`; records what each was asked and how it ended."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.started = asyncio.Event()
        self.asked: list[list[str]] = []
        self.cancelled = 0
        self.fail = False

    async def run(self, subjects: Sequence[str]) -> None:
        self.asked.append(list(subjects))
        self.started.set()
        try:
            await self.gate.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        if self.fail:
            raise RuntimeError("backend down")


async def test_refreshes_are_bounded_and_one_per_entry() -> None:
    refresher = Refresher(MemoryCache(FakeClock()), concurrency=2)
    runs = GatedRuns()
    busy = _count("busy")
    refresher.start("unit", {"a": "a:refresh"}, 5, runs.run)
    refresher.start("unit", {"a": "a:refresh"}, 5, runs.run)  # already being refreshed
    refresher.start("unit", {"b": "b:refresh"}, 5, runs.run)
    refresher.start("unit", {"c": "c:refresh"}, 5, runs.run)  # over the bound
    assert refresher.running == 2
    assert _count("busy") == busy + 1
    runs.gate.set()
    await refresher.settled()
    assert sorted(runs.asked) == [["a"], ["b"]]


async def test_the_lease_makes_one_refresh_across_processes() -> None:
    shared = MemoryCache(FakeClock())
    one, other = Refresher(shared, concurrency=4), Refresher(shared, concurrency=4)
    runs = GatedRuns()
    elsewhere = _count("elsewhere")
    one.start("unit", {"a": "a:refresh"}, 5, runs.run)
    await runs.started.wait()
    other.start("unit", {"a": "a:refresh"}, 5, runs.run)
    runs.gate.set()
    await one.settled()
    await other.settled()
    assert runs.asked == [["a"]]
    assert _count("elsewhere") == elsewhere + 1


async def test_a_failed_refresh_is_counted() -> None:
    refresher = Refresher(MemoryCache(FakeClock()), concurrency=2)
    runs = GatedRuns()
    runs.fail = True
    runs.gate.set()
    failed = _count("failed")
    refresher.start("unit", {"a": "a:refresh"}, 5, runs.run)
    await refresher.settled()
    assert _count("failed") == failed + 1


async def test_close_cancels_what_runs_and_starts_nothing_more() -> None:
    refresher = Refresher(MemoryCache(FakeClock()), concurrency=2)
    runs = GatedRuns()
    refresher.start("unit", {"a": "a:refresh"}, 5, runs.run)
    await runs.started.wait()
    await refresher.close()
    assert runs.cancelled == 1
    assert refresher.running == 0
    refresher.start("unit", {"b": "b:refresh"}, 5, runs.run)
    assert refresher.running == 0
    assert runs.asked == [["a"]]


async def test_a_refresh_runs_in_a_scope_of_its_own_not_the_requests() -> None:
    refresher = Refresher(MemoryCache(FakeClock()), concurrency=2)
    seen: list[RequestScope | None] = []

    async def run(subjects: Sequence[str]) -> None:
        seen.append(current_scope())

    with request_scope(0.5, 3, request_id="the request") as request:
        refresher.start("unit", {"a": "a:refresh"}, 5, run)
    await refresher.settled()
    scope = seen[0]
    assert scope is not None
    assert scope is not request
    assert scope.retries_left == 0, "a refresh is not retried: the entry is still served"
    assert scope.remaining() > 1.0, "bounded by the lease, not the request's deadline"
