"""Metrics, the request log line, traceparent to backends, OTLP export, health routes."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from tests.api.queries import HOME_SCREEN
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient
from tests.harness.loopback_app import serving

DEMO = "+79000000001"


async def test_metrics_are_not_on_the_api_port_by_default(gateway: GatewayClient) -> None:
    async with gateway.session.get(f"{gateway.url}/metrics") as response:
        assert response.status == 404


async def test_metrics(start_gateway: GatewayFactory) -> None:
    async with start_gateway(metrics_listen="api") as gateway:
        await _metrics(gateway)


async def _metrics(gateway: GatewayClient) -> None:
    token = gateway.subscriber_token(DEMO)
    await gateway.query("query HomeScreen { me { balance { stale } tariff { id } } }", token=token)
    await gateway.query("query HomeScreen { me { balance { stale } } }", token=token)
    await gateway.query("{ me { tariff { name } } }", token=token)  # products: a hit
    await gateway.query("{ me { msisdn } }")
    fields = " ".join(f"a{i}: tariffs {{ id }}" for i in range(40))
    await gateway.query(f"{{ {fields} }}")
    async with gateway.session.get(f"{gateway.url}/metrics") as response:
        text = await response.text()
    assert response.status == 200
    for expected in [
        'tgw_operations_total{operation="HomeScreen",outcome="ok"}',
        'tgw_operations_total{operation="anonymous",outcome="error"}',
        'tgw_refusals_total{code="TOO_MANY_ALIASES"}',
        'tgw_backend_calls_total{backend="billing",outcome="ok"}',
        'tgw_backend_call_seconds_bucket{backend="billing"',
        'tgw_balance_cache_total{result="hit"}',
        'tgw_balance_cache_total{result="miss"}',
        'tgw_read_cache_total{kind="products",result="miss"}',
        'tgw_read_cache_total{kind="products",result="hit"}',
        'tgw_answer_cache_total{result="miss"}',
        'tgw_breaker_state{name="billing"} 0.0',
        'tgw_loader_batch_size_bucket{le="1.0",loader="balance"}',
        "tgw_request_seconds_bucket",
    ]:
        assert expected in text, expected


async def test_one_json_log_line_per_request(
    gateway: GatewayClient, caplog: pytest.LogCaptureFixture
) -> None:
    token = gateway.subscriber_token(DEMO)
    with caplog.at_level(logging.INFO, logger="telecom_gateway.access"):
        await gateway.query(HOME_SCREEN, token=token, headers={"x-request-id": "log-line-test-1"})
    lines = [r for r in caplog.records if r.name == "telecom_gateway.access"]
    assert len(lines) == 1
    line = lines[0].__dict__
    assert line["request_id"] == "log-line-test-1"
    assert line["operations"] == ["HomeScreen"]
    assert line["principal"] == "subscriber"
    assert line["backend_calls"] >= 5
    # Cold: balance, charges, products, customer, links, pending links and offers each
    # missed once (read ahead in one cache call, then each loaded: counted once).
    assert (line["cache_hits"], line["cache_misses"]) == (0, 7)
    assert line["error_codes"] == []
    assert line["duration_ms"] > 0
    assert token not in json.dumps(line, default=str)

    with caplog.at_level(logging.INFO, logger="telecom_gateway.access"):
        await gateway.query(HOME_SCREEN, token=token, headers={"x-request-id": "log-line-test-2"})
    warm = [r.__dict__ for r in caplog.records if r.name == "telecom_gateway.access"][-1]
    assert warm["request_id"] == "log-line-test-2"
    # The whole answer was kept: not even the per-number caches were read.
    assert warm["answers_kept"] == 1
    assert (warm["cache_hits"], warm["cache_misses"], warm["backend_calls"]) == (0, 0, 0)


async def test_secrets_never_reach_the_log(
    gateway: GatewayClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        await gateway.query(
            'mutation { logInWithPassword(msisdn: "+79000000001", password: "demo-password") '
            "{ accessToken refreshToken } }"
        )
    text = "\n".join(str(r.__dict__) for r in caplog.records)
    assert "demo-password" not in text
    assert "eyJ" not in text


class Recorder:
    """A stand-in SMS system (and OTLP collector) on loopback that records what it gets."""

    def __init__(self) -> None:
        self.headers: list[dict[str, str]] = []
        self.bodies: list[bytes] = []
        self.arrived = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        self.headers.append(dict(request.headers))
        self.bodies.append(await request.read())
        self.arrived.set()
        return web.json_response({"id": "MSG-1", "state": "completed"}, status=201)


@pytest.fixture
async def recorder() -> AsyncIterator[tuple[str, Recorder]]:
    found = Recorder()
    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", found.handle)
    async with serving(app) as url:
        yield url, found


async def test_request_id_and_traceparent_reach_the_backends(
    start_gateway: GatewayFactory, recorder: tuple[str, Recorder]
) -> None:
    url, sms = recorder
    trace = "0af7651916cd43dd8448eb211c80319c"
    async with start_gateway(sms_url=url) as gateway:
        await gateway.query(
            'mutation { requestLoginCode(msisdn: "+79000000001") { expiresAt } }',
            headers={
                "x-request-id": "trace-test-0001",
                "traceparent": f"00-{trace}-b7ad6b7169203331-01",
            },
        )
    sent = {k.lower(): v for k, v in sms.headers[0].items()}
    assert sent["x-request-id"] == "trace-test-0001"
    version, trace_id, span_id, flags = sent["traceparent"].split("-")
    assert (version, trace_id, flags) == ("00", trace, "01")
    assert span_id != "b7ad6b7169203331"


async def test_traces_are_exported_when_configured(
    start_gateway: GatewayFactory, recorder: tuple[str, Recorder]
) -> None:
    url, collector = recorder
    async with start_gateway(otlp_endpoint=f"{url}/v1/traces") as gateway:
        answer = await gateway.query(HOME_SCREEN, token=gateway.subscriber_token(DEMO))
        assert answer.errors == []
    # Closing the gateway flushed its spans to the collector.
    await asyncio.wait_for(collector.arrived.wait(), 5)
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    exported = ExportTraceServiceRequest()
    exported.ParseFromString(b"".join(collector.bodies))
    names = {s.name for r in exported.resource_spans for ss in r.scope_spans for s in ss.spans}
    assert "POST /graphql" in names
    assert "billing GET" in names
    assert any("balance" in n for n in names), names


async def test_readyz(gateway: GatewayClient, admins: dict[str, BackendAdmin]) -> None:
    async with gateway.session.get(f"{gateway.url}/readyz") as response:
        ready = await response.json()
    assert response.status == 200
    assert ready["status"] == "ready"
    assert set(ready["checks"]) == {"redis", "billing", "provisioning", "sms", "loyalty", "support"}

    await admins["loyalty"].faults(down=True)
    async with gateway.session.get(f"{gateway.url}/readyz") as response:
        not_ready = await response.json()
    assert response.status == 503
    assert not_ready["checks"]["loyalty"]["reachable"] is False
    assert not_ready["checks"]["billing"]["reachable"] is True
    assert not_ready["checks"]["billing"]["breaker"] == "closed"
