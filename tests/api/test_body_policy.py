"""One body policy on every route that reads a body (gateway/body_policy.py): JSON only,
at most TGW_MAX_BODY_BYTES and never read whole when bigger, all of it within
TGW_BODY_TIMEOUT -- checked before the token is even looked at."""

from __future__ import annotations

import pytest

from tests.conftest import GatewayFactory
from tests.harness.gateway import GatewayClient
from tests.harness.raw_http import raw_connection, request_head

FIFTY_MIB = 50 * 1024 * 1024
QUERY = b'{"query": "subscription { balanceChanged(msisdn: \\"+79000000091\\") { stale } }"}'
ROUTES = ["/graphql", "/graphql/stream"]


@pytest.mark.parametrize("path", ROUTES)
async def test_a_declared_50_mib_body_is_refused_before_it_is_sent(
    gateway: GatewayClient, path: str
) -> None:
    headers = {"content-type": "application/json", "content-length": str(FIFTY_MIB)}
    async with raw_connection(gateway.url) as connection:
        await connection.send(request_head(gateway.url, "POST", path, headers))
        answer = await connection.send_until_answered([b"x" * 1024])
        assert answer is not None
        assert answer.status == 413
        assert answer.codes == ["PAYLOAD_TOO_LARGE"]
        assert answer.headers["connection"] == "close"
        assert await connection.closed_by_server()


async def test_a_50_mib_stream_without_a_length_is_cut_at_the_cap(gateway: GatewayClient) -> None:
    headers = {
        "content-type": "application/json",
        "transfer-encoding": "chunked",
        "authorization": f"Bearer {gateway.subscriber_token('+79000000091')}",
    }
    chunk = 65_536
    pieces = (b"%x\r\n%s\r\n" % (chunk, b" " * chunk) for _ in range(FIFTY_MIB // chunk))
    async with raw_connection(gateway.url) as connection:
        await connection.send(request_head(gateway.url, "POST", "/graphql/stream", headers))
        answer = await connection.send_until_answered(pieces)
        assert answer is not None
        assert answer.status == 413
        assert answer.codes == ["PAYLOAD_TOO_LARGE"]
    # The answer came while most of the body was still unsent (what was sent includes the
    # kernel's socket buffers on both sides, a few MiB at most).
    assert connection.sent < FIFTY_MIB // 4


async def test_text_plain_on_the_stream_route_is_refused(gateway: GatewayClient) -> None:
    async with gateway.session.post(
        f"{gateway.url}/graphql/stream",
        data=QUERY,
        headers={"content-type": "text/plain", "accept": "text/event-stream"},
    ) as response:
        assert response.status == 415
        body = await response.json()
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_REQUEST"]


@pytest.mark.parametrize("path", ROUTES)
async def test_a_body_sent_a_byte_at_a_time_is_cut_off(
    start_gateway: GatewayFactory, path: str
) -> None:
    body = QUERY.ljust(1000)
    headers = {"content-type": "application/json", "content-length": str(len(body))}
    async with (
        start_gateway(body_timeout=0.5) as gateway,
        raw_connection(gateway.url) as connection,
    ):
        await connection.send(request_head(gateway.url, "POST", path, headers))
        answer = await connection.send_until_answered(
            (body[i : i + 1] for i in range(len(body))), pause=0.05
        )
        assert answer is not None
        assert answer.status == 408
        assert answer.codes == ["REQUEST_TIMEOUT"]
        assert await connection.closed_by_server()
    head = len(request_head(gateway.url, "POST", path, headers))
    assert connection.sent - head < len(body), "the whole body got through"


async def test_a_small_body_is_still_read(gateway: GatewayClient) -> None:
    answer = await gateway.query("{ tariffs { id } }")
    assert answer.status == 200
    assert answer.data["tariffs"]


async def test_the_hub_listener_refuses_an_oversized_event_before_reading_it(
    gateway: GatewayClient,
) -> None:
    headers = {"content-type": "application/json", "content-length": str(FIFTY_MIB)}
    async with raw_connection(gateway.url) as connection:
        await connection.send(request_head(gateway.url, "POST", "/listener/billing", headers))
        answer = await connection.send_until_answered([b"{"])
        assert answer is not None
        assert answer.status == 413
        assert b"PAYLOAD_TOO_LARGE" in answer.body
