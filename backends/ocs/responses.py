"""JSON answers as the captured OCS sends them: ``Content-Type: application/json`` with
no charset parameter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from aiohttp import web


def ocs_json(
    data: Mapping[str, Any] | Sequence[Any],
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    return web.Response(
        body=orjson.dumps(data), status=status, headers=headers, content_type="application/json"
    )
