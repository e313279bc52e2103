"""The HTTP server's side of the bounds on slow and greedy clients, which uvicorn lacks.

uvicorn reads a request's head (request line and headers) for as long as the client
cares to send it, one byte at a time if it likes, and keeps it in memory whole: it has a
keep-alive timeout between requests but none while a request arrives, and none at all
on a new connection that has sent nothing yet. Nothing in the application can help,
since it is called only once the headers are complete. So the server runs uvicorn's
httptools protocol with three additions:

- a head deadline (`TGW_HEADER_TIMEOUT`): from the connection's opening, or from a
  request's first byte, to the end of its headers; past it the connection is closed
  (with a 408 when part of a request had arrived);
- a head size cap (`TGW_MAX_HEADER_BYTES`): 431 and close past it;
- a request whose answer is complete while its body is still arriving closes the
  connection, rather than keep reading a body nobody will read (uvicorn would go on
  discarding it for as long as it trickles in).

The body itself is bounded by the application (gateway/body_policy.py), which reads it
before anything else. WebSocket messages are capped at the same size as bodies, by
uvicorn (`ws_max_size`: a bigger message closes the socket with 1009).

Everything that runs the gateway (`serve`, its workers, the demo, the tests) builds its
uvicorn configuration with `ServerConfig`, so they all run this protocol.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import orjson
import uvicorn
from uvicorn._types import ASGI3Application
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from gateway.settings import Settings


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    header_timeout: float = 10.0
    max_header_bytes: int = 65_536
    max_message_bytes: int = 65_536  # a WebSocket message, like a request body

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionLimits:
        return cls(
            header_timeout=settings.header_timeout,
            max_header_bytes=settings.max_header_bytes,
            max_message_bytes=settings.max_body_bytes,
        )


class ServerConfig(uvicorn.Config):
    """uvicorn's configuration, running `BoundedHttpProtocol` with these limits.

    A subclass rather than a protocol class made per call: uvicorn's fallback supervisor
    pickles its configuration into each worker, and a class defined at run time cannot be.
    """

    def __init__(self, app: Any, limits: ConnectionLimits, **options: Any) -> None:
        super().__init__(
            app, http=BoundedHttpProtocol, ws_max_size=limits.max_message_bytes, **options
        )
        self.limits = limits


def _error(code: str, message: str) -> bytes:
    return orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})


def _raw_answer(status: bytes, code: str, message: str) -> bytes:
    """An answer the protocol writes itself, when there is no request for the app yet."""
    body = _error(code, message)
    head = b"HTTP/1.1 %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
    return head % (status, len(body)) + b"connection: close\r\n\r\n" + body


def _refusing_app(status: int, code: str, message: str) -> ASGI3Application:
    """An app that answers every request with this refusal and closes the connection."""

    body = _error(code, message)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]

    async def refuse(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return refuse


_TIMED_OUT = b"408 Request Timeout"
_TOO_LARGE = b"431 Request Header Fields Too Large"


class BoundedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline and a size cap on each request's head."""

    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits = config.limits if isinstance(config, ServerConfig) else ConnectionLimits()
        self._head_deadline: asyncio.TimerHandle | None = None
        self._in_head = False
        self._head_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # A connection that never sends a byte is bounded too (uvicorn keeps it forever).
        self._start_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._end_head()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._in_head and not self.transport.is_closing():
            # An unfinished head: counted by what arrived, since httptools holds a header
            # in memory until it is complete. (A chunk that ends one request and starts the
            # next, when pipelining, counts whole against the next one's head.)
            self._head_bytes += len(data)
            if self._head_bytes > self.limits.max_header_bytes:
                self._give_up(_TOO_LARGE, "HEADERS_TOO_LARGE", self._too_large_message())

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._head_deadline is None:
            self._start_head()
        self._in_head = True

    def on_headers_complete(self) -> None:
        self._end_head()
        # A finished head, measured by what it holds (it may have come in one read).
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size <= self.limits.max_header_bytes:
            super().on_headers_complete()
            return
        # Answered like any request (uvicorn keeps its order on the connection), but by a
        # refusal instead of the gateway.
        real, self.app = (
            self.app,
            _refusing_app(431, "HEADERS_TOO_LARGE", self._too_large_message()),
        )
        try:
            super().on_headers_complete()
        finally:
            self.app = real

    def on_response_complete(self) -> None:
        cycle = self.cycle
        if cycle is not None and cycle.response_complete and cycle.more_body:
            # Answered before its body was all there (refused, or a route that reads no
            # body): stop, rather than keep reading and discarding what still trickles in.
            self.transport.close()
        super().on_response_complete()

    def _start_head(self) -> None:
        self._end_head()
        self._in_head = True
        self._head_bytes = 0
        self._head_deadline = self.loop.call_later(self.limits.header_timeout, self._too_slow)

    def _end_head(self) -> None:
        self._in_head = False
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _too_slow(self) -> None:
        self._head_deadline = None
        message = f"the request's headers did not arrive within {self.limits.header_timeout} s"
        self._give_up(_TIMED_OUT, "REQUEST_TIMEOUT", message)

    def _give_up(self, status: bytes, code: str, message: str) -> None:
        """Close the connection over an unfinished head, saying why when that can be said."""
        self._end_head()
        if self.transport.is_closing():
            return
        answering = self.cycle is not None and not self.cycle.response_complete
        if self._head_bytes > 0 and not answering:
            self.transport.write(_raw_answer(status, code, message))
        # Otherwise closed without a word: nothing of a request arrived (an idle
        # connection, closed as uvicorn closes an idle keep-alive one), or an earlier
        # answer is still going out (when pipelining) and a refusal would land inside it.
        self.transport.close()

    def _too_large_message(self) -> str:
        return f"the request's line and headers are over {self.limits.max_header_bytes} bytes"
