"""HTTP/1.1 spoken by hand over a socket, to send what a well-behaved client never does: a
head or a body one byte at a time, a body that does not end, more headers than allowed.

Every read is bounded (`within`), so a gateway that fails to cut a client off fails the
test instead of hanging it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import orjson


@dataclass
class RawAnswer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def codes(self) -> list[str]:
        parsed: dict[str, Any] = orjson.loads(self.body)
        return [e["extensions"]["code"] for e in parsed.get("errors", [])]


@dataclass
class RawConnection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    sent: int = 0
    _answer: asyncio.Task[RawAnswer | None] | None = field(default=None, repr=False)

    async def send(self, data: bytes) -> bool:
        """Write and drain; False once the server has closed (or reset) the connection."""
        try:
            self.writer.write(data)
            await self.writer.drain()
        except (ConnectionError, OSError):
            return False
        self.sent += len(data)
        return True

    def answer(self) -> asyncio.Task[RawAnswer | None]:
        """The server's answer, read in the background (None: closed without one)."""
        if self._answer is None:
            self._answer = asyncio.ensure_future(_read_answer(self.reader))
        return self._answer

    def next_request(self) -> None:
        """The previous answer is read: the next `answer()` is the next request's."""
        self._answer = None

    async def send_until_answered(
        self, pieces: Iterable[bytes], pause: float = 0.0, within: float = 10.0
    ) -> RawAnswer | None:
        """Send the pieces one after another (`pause` seconds apart: a slow client) until
        the server answers or closes; then its answer. Fails if it does neither `within`
        seconds after the last piece was sent."""
        answer = self.answer()
        for piece in pieces:
            if answer.done():
                break
            sending = asyncio.ensure_future(self.send(piece))
            # A server that stops reading blocks the drain: the answer may come meanwhile.
            await asyncio.wait({sending, answer}, return_when=asyncio.FIRST_COMPLETED)
            if not sending.done():
                sending.cancel()
                break
            if not sending.result():
                break
            if pause:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(answer), pause)
        return await asyncio.wait_for(answer, within)

    async def closed_by_server(self, within: float = 10.0) -> bool:
        """Whether the server closes the connection (EOF or reset) within the bound."""
        return await self.rest(within) is not None

    async def rest(self, within: float = 10.0) -> bytes | None:
        """What the server still sends before it closes the connection; None if it has not
        closed it within the bound."""
        try:
            return await asyncio.wait_for(self.reader.read(), within)
        except TimeoutError:  # before OSError, of which it is a subclass
            return None
        except (ConnectionError, OSError):
            return b""


async def _read_answer(reader: asyncio.StreamReader) -> RawAnswer | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError, OSError):
        return None
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = b""
    length = int(headers.get("content-length", "0"))
    with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError, OSError):
        body = await reader.readexactly(length)
    return RawAnswer(int(status_line.split()[1]), headers, body)


def request_head(url: str, method: str, path: str, headers: dict[str, str]) -> bytes:
    host = urlsplit(url).netloc
    lines = [f"{method} {path} HTTP/1.1", f"host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@asynccontextmanager
async def raw_connection(url: str) -> AsyncIterator[RawConnection]:
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    connection = RawConnection(reader, writer)
    try:
        yield connection
    finally:
        if connection._answer is not None:
            connection._answer.cancel()
        writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await writer.wait_closed()
