"""The server bounds what comes before the application is called (gateway/http_server.py):
a request's line and headers must arrive within TGW_HEADER_TIMEOUT and fit in
TGW_MAX_HEADER_BYTES; a connection that sends nothing is closed too; a body nobody reads
is not drained for as long as it trickles in."""

from __future__ import annotations

from tests.conftest import GatewayFactory
from tests.harness.raw_http import raw_connection, request_head


async def test_headers_sent_a_byte_at_a_time_are_cut_off(start_gateway: GatewayFactory) -> None:
    header = b"x-padding: " + b"a" * 1000 + b"\r\n"
    async with (
        start_gateway(header_timeout=0.5) as gateway,
        raw_connection(gateway.url) as connection,
    ):
        await connection.send(b"POST /graphql HTTP/1.1\r\nhost: gateway\r\n")
        answer = await connection.send_until_answered(
            (header[i : i + 1] for i in range(len(header))), pause=0.05
        )
        assert answer is not None
        assert answer.status == 408
        assert answer.codes == ["REQUEST_TIMEOUT"]
        assert await connection.closed_by_server()
    # At 20 bytes a second the header alone would have taken 50 s.
    assert connection.sent < len(header)


async def test_a_connection_that_sends_nothing_is_closed(start_gateway: GatewayFactory) -> None:
    async with (
        start_gateway(header_timeout=0.5) as gateway,
        raw_connection(gateway.url) as connection,
    ):
        # Closed without a word, as uvicorn closes an idle keep-alive connection.
        assert await connection.rest() == b""


async def test_a_keep_alive_connection_is_bounded_on_its_next_request(
    start_gateway: GatewayFactory,
) -> None:
    body = b'{"query": "{ tariffs { id } }"}'
    head = request_head(
        "http://gateway",
        "POST",
        "/graphql",
        {"content-type": "application/json", "content-length": str(len(body))},
    )
    async with (
        start_gateway(header_timeout=0.5) as gateway,
        raw_connection(gateway.url) as connection,
    ):
        first = await connection.send_until_answered([head + body])
        assert first is not None
        assert first.status == 200
        connection.next_request()
        slow = b"POST /graphql HTTP/1.1\r\n" + b"x-padding: " + b"a" * 1000
        answer = await connection.send_until_answered(
            (slow[i : i + 1] for i in range(len(slow))), pause=0.05
        )
        assert answer is not None
        assert answer.status == 408


async def test_headers_over_the_cap_are_refused(start_gateway: GatewayFactory) -> None:
    async with (
        start_gateway(max_header_bytes=4096) as gateway,
        raw_connection(gateway.url) as connection,
    ):
        headers = {f"x-padding-{i}": "a" * 100 for i in range(100)}
        head = request_head(gateway.url, "GET", "/healthz", headers)
        answer = await connection.send_until_answered([head])
        assert answer is not None
        assert answer.status == 431
        assert answer.codes == ["HEADERS_TOO_LARGE"]
        assert await connection.closed_by_server()


async def test_headers_under_the_cap_pass(start_gateway: GatewayFactory) -> None:
    async with (
        start_gateway(max_header_bytes=4096) as gateway,
        raw_connection(gateway.url) as connection,
    ):
        headers = {f"x-padding-{i}": "a" * 100 for i in range(30)}
        answer = await connection.send_until_answered(
            [request_head(gateway.url, "GET", "/healthz", headers)]
        )
        assert answer is not None
        assert answer.status == 200


async def test_a_body_nobody_reads_is_not_drained(start_gateway: GatewayFactory) -> None:
    # /healthz answers without reading the body; the rest of it is not waited for.
    body_length = 1000
    headers = {"content-type": "application/json", "content-length": str(body_length)}
    async with (
        start_gateway(header_timeout=0.5) as gateway,
        raw_connection(gateway.url) as connection,
    ):
        answer = await connection.send_until_answered(
            [request_head(gateway.url, "GET", "/healthz", headers), b"{"]
        )
        assert answer is not None
        assert answer.status == 200
        # The rest of the body at 20 bytes a second: 50 s, were the connection kept.
        trickled = 0
        while trickled < body_length - 1 and await connection.send(b" "):
            trickled += 1
            if await connection.closed_by_server(within=0.05):
                break
        assert trickled < body_length - 1
