"""One policy for the body a client sends, the same on every route that reads one
(`POST /graphql`, `POST /graphql/stream`, the hub listener), applied before anything
else looks at the request -- before its token is read.

- **Content type**: operations come as `application/json` only (415 otherwise): forms
  and `text/plain`, which browsers send cross-site without a preflight, never reach the
  schema.
- **Size**: at most `TGW_MAX_BODY_BYTES` (413 `PAYLOAD_TOO_LARGE`): a declared
  Content-Length over it is refused before a byte of the body is read; otherwise the
  bytes are counted as they arrive and the read stops at the cap, so a big body is never
  held whole.
- **Time**: the whole body within `TGW_BODY_TIMEOUT` seconds (408 `REQUEST_TIMEOUT`): a
  client trickling its body holds a connection for that long at most.

Refusals of size and time close the connection (`connection: close`): the rest of such a
body is not worth reading. WebSocket messages are held to the same size by the server
(gateway/http_server.py); the request line and headers are bounded there too, since they
are read before the application is called.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from starlette.requests import ClientDisconnect, Request

from gateway.refusal import RefusedError
from gateway.settings import Settings

JSON = "application/json"


@dataclass(frozen=True, slots=True)
class BodyPolicy:
    max_bytes: int
    read_timeout: float

    @classmethod
    def from_settings(cls, settings: Settings) -> BodyPolicy:
        return cls(max_bytes=settings.max_body_bytes, read_timeout=settings.body_timeout)

    async def read_json(self, request: Request) -> bytes:
        """The body of a JSON request, read within the policy; a RefusedError otherwise."""
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != JSON:
            raise RefusedError("BAD_REQUEST", "send operations as application/json", status=415)
        return await self.read(request)

    async def read(self, request: Request) -> bytes:
        """The body, whatever its type, read within the size cap and the deadline."""
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large()
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.read_timeout):
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise self._too_large()
                    chunks.append(chunk)
        except TimeoutError as exc:
            message = f"the body did not arrive within {self.read_timeout} s"
            raise _closing(RefusedError("REQUEST_TIMEOUT", message, status=408)) from exc
        except ClientDisconnect as exc:
            # Nobody is left to read the answer; a 400 keeps it out of the 5xx.
            raise RefusedError("BAD_REQUEST", "the client left mid-body", status=400) from exc
        return b"".join(chunks)

    def _too_large(self) -> RefusedError:
        message = f"the body is over {self.max_bytes} bytes"
        return _closing(RefusedError("PAYLOAD_TOO_LARGE", message, status=413))


def _closing(error: RefusedError) -> RefusedError:
    error.headers["connection"] = "close"
    return error
