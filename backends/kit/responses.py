"""JSON responses (orjson-encoded) and TMF collection responses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import orjson
from aiohttp import web

JsonObject = dict[str, Any]


def json_response(
    data: Mapping[str, Any] | Sequence[Any],
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    return web.Response(
        body=orjson.dumps(data),
        status=status,
        headers=headers,
        content_type="application/json",
        charset="utf-8",
    )


def collection_response(items: Sequence[JsonObject], *, total: int) -> web.Response:
    """A TMF collection: the page as a JSON array, the counts in the TMF headers."""
    return json_response(
        items,
        headers={"X-Total-Count": str(total), "X-Result-Count": str(len(items))},
    )


def json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: whole values stay integers (``20``, not ``20.0``)."""
    return int(value) if value == value.to_integral_value() else float(value)
