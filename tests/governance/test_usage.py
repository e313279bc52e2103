"""Field usage per client: counted in process, flushed in batches to one Redis shared by
every gateway process, answered by `telecom-gateway usage` and `schema-diff`; and the
use of deprecated fields logged once per client and field per flush window."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis.asyncio
from graphql import build_schema, graphql_sync
from prometheus_client import REGISTRY

from adapters.clock import SystemClock
from adapters.usage.memory_store import MemoryUsageStore
from adapters.usage.port import Client
from adapters.usage.redis_store import RedisUsageStore
from gateway.cost import cost_table
from gateway.governance.usage_report import days_back
from gateway.shape import ShapeReader
from gateway.usage import UsageRecorder
from tests.conftest import GatewayFactory
from tests.harness.clock import FakeClock

ROOT = Path(__file__).resolve().parents[2]
CATALOG = "query Catalog { tariffs { id name } serviceCatalog { id } }"
WEB = {"apollographql-client-name": "web", "apollographql-client-version": "1.4.0"}
IOS = {"apollographql-client-name": "ios", "apollographql-client-version": "7.2"}
# A schema fixture: the real schema deprecates nothing yet.
PLANS = """
type Query { plan: Plan }
type Plan {
  name: String!
  fee: Int @deprecated(reason: "use price")
  code: String @deprecated(reason: "use name")
  price: Int
}
"""
PLANS_BEFORE = PLANS.replace(' @deprecated(reason: "use price")', "").replace(
    ' @deprecated(reason: "use name")', ""
)


@pytest.fixture
async def usage_redis(redis_url: str) -> AsyncIterator[redis.asyncio.Redis]:
    client = redis.asyncio.Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def _usage_keys(client: redis.asyncio.Redis, namespace: str) -> list[bytes]:
    return [key async for key in client.scan_iter(match=f"{namespace}:usage:*")]


def _cli(redis_url: str, namespace: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REDIS_URL": redis_url, "TGW_CACHE_NAMESPACE": namespace}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "gateway", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_two_named_clients_and_an_anonymous_one_across_two_gateways(
    start_gateway: GatewayFactory,
    usage_redis: redis.asyncio.Redis,
    redis_url: str,
    namespace: str,
) -> None:
    # A flush only when asked, or at shutdown: what is counted must come from those.
    async with (
        start_gateway(usage_flush_seconds=3600) as first,
        start_gateway(usage_flush_seconds=3600) as second,
    ):
        for _ in range(3):
            assert (await first.query(CATALOG, headers=WEB)).errors == []
        await second.query(CATALOG, headers=WEB)
        await second.query(CATALOG, headers=IOS)
        await second.query(CATALOG, headers=IOS)
        await first.query(CATALOG)
        await second.query(CATALOG)
        # An invalid operation ran nothing and counts nothing.
        assert (await first.query("{ tariffs { nope } }", headers=WEB)).errors
        # Nothing went to Redis per request: counting is one dict increment in process.
        assert await _usage_keys(usage_redis, namespace) == []
        await first.runtime.usage.flush()
        assert await _usage_keys(usage_redis, namespace) != []
    # The second gateway flushed on shutdown.
    store = RedisUsageStore(usage_redis, namespace, retention_days=30)
    window = days_back(SystemClock().now().date(), 2)
    usage = await store.read("Query.tariffs", window)
    assert [(u.client.label, u.count) for u in usage] == [
        ("web 1.4.0", 4),
        ("(anonymous)", 2),
        ("ios 7.2", 2),
    ]
    assert all(u.last_seen is not None for u in usage)
    assert {u.client.label: u.count for u in await store.read("Tariff.name", window)} == {
        "web 1.4.0": 4,
        "(anonymous)": 2,
        "ios 7.2": 2,
    }
    assert await store.read("Tariff.nope", window) == []
    for key in await _usage_keys(usage_redis, namespace):
        assert 0 < await usage_redis.ttl(key) <= 31 * 86400, key

    answer = _cli(redis_url, namespace, "usage", "Query.tariffs")
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.splitlines()[0] == "Query.tariffs: 8 uses in the last 30 days"
    assert "web 1.4.0" in answer.stdout
    assert "(anonymous)" in answer.stdout
    refused = _cli(redis_url, namespace, "usage", "tariffs")
    assert refused.returncode == 2
    assert "not a schema coordinate" in refused.stderr


async def test_operations_over_the_live_transports_are_counted_too(
    start_gateway: GatewayFactory,
    usage_redis: redis.asyncio.Redis,
    namespace: str,
) -> None:
    async with start_gateway(usage_flush_seconds=3600) as gateway:
        async with gateway.session.post(
            f"{gateway.url}/graphql/stream",
            json={"query": CATALOG},
            headers={**WEB, "accept": "text/event-stream"},
        ) as response:
            assert response.status == 200
            assert b"event: next" in await response.read()
        await gateway.runtime.usage.flush()
    store = RedisUsageStore(usage_redis, namespace, retention_days=30)
    window = days_back(SystemClock().now().date(), 2)
    counted = await store.read("Query.serviceCatalog", window)
    assert [(u.client.label, u.count) for u in counted] == [("web 1.4.0", 1)]


async def test_the_window_is_flushed_periodically(
    start_gateway: GatewayFactory, usage_redis: redis.asyncio.Redis, namespace: str
) -> None:
    async with start_gateway(usage_flush_seconds=0.05) as gateway:
        await gateway.query(CATALOG, headers=IOS)
        deadline = time.monotonic() + 10
        # The flush runs on its own timer: nothing to await but looking again.
        while not await _usage_keys(usage_redis, namespace):
            assert time.monotonic() < deadline, "no flush within 10 s"
            await asyncio.sleep(0.02)
        store = RedisUsageStore(usage_redis, namespace, retention_days=30)
        window = days_back(gateway.runtime.clock.now().date(), 2)
        assert [(u.client.label, u.count) for u in await store.read("Query.tariffs", window)] == [
            ("ios 7.2", 1)
        ]


async def test_a_deprecated_field_works_and_its_use_is_logged_once_per_client_and_window(
    caplog: pytest.LogCaptureFixture,
) -> None:
    schema = build_schema(PLANS)
    plan = {"name": "Smart", "fee": 600, "code": "S", "price": 600}
    result = graphql_sync(schema, "{ plan { fee } }", root_value={"plan": plan})
    assert result.errors is None
    assert result.data == {"plan": {"fee": 600}}

    clock = FakeClock()
    store = MemoryUsageStore(retention_days=30)
    recorder = UsageRecorder(
        store, schema, clock, flush_seconds=3600, max_clients=10, metrics_top=1
    )
    shapes = ShapeReader(schema, cost_table(5), 2000)
    old_app = shapes.read("{ plan { name fee } }", None, None)
    for _ in range(3):
        recorder.record(WEB, [old_app])
    recorder.record(IOS, [old_app])
    recorder.record({}, [shapes.read("{ plan { name price } }", None, None)])
    before = REGISTRY.get_sample_value("tgw_field_usage_total", {"coordinate": "Plan.name"})
    with caplog.at_level(logging.WARNING, logger="telecom_gateway.usage"):
        await recorder.flush()
        logged = [r for r in caplog.records if r.getMessage() == "deprecated field used"]
        assert sorted(
            (r.coordinate, r.client, r.client_version, r.uses, r.reason)  # type: ignore[attr-defined]
            for r in logged
        ) == [
            ("Plan.fee", "ios", "7.2", 1, "use price"),
            ("Plan.fee", "web", "1.4.0", 3, "use price"),
        ]
        caplog.clear()
        await recorder.flush()  # a window without use logs nothing
        assert [r for r in caplog.records if r.getMessage() == "deprecated field used"] == []

    # The top coordinate by name (metrics_top=1), the rest together.
    after = REGISTRY.get_sample_value("tgw_field_usage_total", {"coordinate": "Plan.name"})
    assert (after or 0) - (before or 0) == 5
    today = clock.now().date()
    assert [(u.client.label, u.count) for u in await store.read("Plan.fee", [today])] == [
        ("web 1.4.0", 3),
        ("ios 7.2", 1),
    ]


async def test_a_strangers_headers_are_bounded() -> None:
    schema = build_schema(PLANS)
    store = MemoryUsageStore(retention_days=30)
    recorder = UsageRecorder(
        store, schema, FakeClock(), flush_seconds=3600, max_clients=2, metrics_top=5
    )
    shape = ShapeReader(schema, cost_table(5), 2000).read("{ plan { name } }", None, None)
    recorder.record({"apollographql-client-name": "a" * 500 + "\n\x00"}, [shape])
    recorder.record(WEB, [shape])
    recorder.record(IOS, [shape])  # the third client of the window
    await recorder.flush()
    clock_day = FakeClock().now().date()
    labels = {u.client.label for u in await store.read("Plan.name", [clock_day])}
    assert labels == {"a" * 64, "web 1.4.0", "(other)"}


async def test_schema_diff_names_the_deprecated_fields_nobody_used_for_n_days(
    usage_redis: redis.asyncio.Redis, redis_url: str, namespace: str, tmp_path: Path
) -> None:
    store = RedisUsageStore(usage_redis, namespace, retention_days=30)
    now = SystemClock().now()
    recent, old = now - timedelta(days=3), now - timedelta(days=20)
    await store.add(recent.date(), {("Plan.fee", Client("web", "1.4.0")): 7}, recent)
    await store.add(old.date(), {("Plan.code", Client("ios", "7.2")): 1}, old)
    (tmp_path / "old.graphql").write_text(PLANS_BEFORE, encoding="utf-8")
    (tmp_path / "new.graphql").write_text(PLANS, encoding="utf-8")

    answer = _cli(
        redis_url,
        namespace,
        "schema-diff",
        str(tmp_path / "old.graphql"),
        str(tmp_path / "new.graphql"),
        "--unused-days",
        "14",
    )
    assert answer.returncode == 0, answer.stderr
    assert "DEPRECATED: Plan.fee: use price" in answer.stdout
    assert "Plan.code: no use in 14 days: may go" in answer.stdout
    assert "Plan.fee: still used by web 1.4.0 (7)" in answer.stdout
