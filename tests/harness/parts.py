"""Reading a multipart/mixed answer part by part, as a client does: each part is parsed
the moment its closing delimiter arrives, so a test can act between two parts."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?')


async def parts_of(response: aiohttp.ClientResponse) -> AsyncIterator[dict[str, Any]]:
    """The JSON parts of a multipart/mixed response, one by one as they arrive."""
    found = _BOUNDARY.search(response.headers["content-type"])
    assert found is not None, response.headers["content-type"]
    delimiter = f"\r\n--{found.group(1)}".encode()
    buffer = b""
    async for chunk in response.content.iter_any():
        buffer += chunk
        # A part is whole once the next delimiter follows it.
        while True:
            start = buffer.find(delimiter)
            end = buffer.find(delimiter, start + len(delimiter)) if start >= 0 else -1
            if end < 0:
                break
            part, buffer = buffer[start + len(delimiter) : end], buffer[end:]
            _, _, body = part.partition(b"\r\n\r\n")
            yield orjson.loads(body)
    assert buffer.strip() == delimiter.strip() + b"--", buffer
