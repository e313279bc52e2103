"""The recorded SigScale OCS answers (tests/ocs/captures/, copied from the recordings of
3.4.72 described in its README.md), read as they are: status line, headers and the
body's exact bytes, never re-typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web
from multidict import CIMultiDict

# Inside the repository: a clone alone runs these tests.
CAPTURES = Path(__file__).resolve().parent / "captures"

# Set by the server that replays an answer, not copied from the recording.
_NOT_REPLAYED = frozenset({"date", "server", "content-length"})


@dataclass(frozen=True)
class Capture:
    name: str
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def json(self) -> Any:
        return orjson.loads(self.body)

    def response(self, body: bytes | None = None) -> web.Response:
        """The recorded answer (or another body with its status and headers)."""
        headers: CIMultiDict[str] = CIMultiDict()
        for key, value in self.headers:
            # The system sends Content-Type twice on some answers; one is enough.
            if key.lower() not in _NOT_REPLAYED and key not in headers:
                headers[key] = value
        return web.Response(
            body=self.body if body is None else body,
            status=self.status,
            reason=self.reason,
            headers=headers,
        )


@cache
def capture(name: str) -> Capture:
    """``capture("topup.resp.txt")``: an answer, split at the first blank line."""
    raw = (CAPTURES / name).read_bytes()
    head, separator, body = raw.partition(b"\r\n\r\n")
    assert separator, f"{name}: no blank line after the headers"
    status_line, *lines = head.decode("latin-1").split("\r\n")
    _, status, reason = status_line.split(" ", 2)
    headers = tuple(
        (key.strip(), value.strip()) for key, _, value in (line.partition(":") for line in lines)
    )
    return Capture(name, int(status), reason, headers, body)


def captured_at() -> datetime:
    """When the bucket list was recorded (its Date header): "now" for its buckets."""
    date = capture(BUCKETS).header("Date")
    assert date is not None
    return parsedate_to_datetime(date)


def request_body(name: str) -> Any:
    """A recorded request body (``topup.json``)."""
    return orjson.loads((CAPTURES / name).read_bytes())


SERVICE = "get__serviceInventoryManagement_v2_service_14165551234.txt"
BUCKETS = "get__balanceManagement_v1_bucket.txt"
BUCKET = "get__balanceManagement_v1_bucket_1795607405340-530.txt"
PRODUCT = "get__productInventoryManagement_v2_product_1795607397658-450.txt"
PRODUCT_BALANCE = "get__balanceManagement_v1_product_1795607397658-450_accumulatedBalance.txt"
SERVICE_BALANCE = "get__balanceManagement_v1_service_14165551234_accumulatedBalance.txt"
NO_SUCH_OFFERING = "get__productCatalogManagement_v2_productOffering_GW_20Test_20Data_205G.txt"
NO_SUCH_PATH = "get_usage.txt"
HTML_500 = "nrf_release.resp.txt"
FORBIDDEN = "nrf_start.resp.txt"
TOP_UP = "topup.resp.txt"
TOP_UP_OCTETS = "topup_svc.resp.txt"
