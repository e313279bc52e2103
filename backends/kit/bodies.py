"""Reading JSON request bodies: anything but a JSON object is a 400, never a 500."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from backends.kit.errors import bad_request


async def read_json_object(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise bad_request(f"the body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    return body


def required_string(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise bad_request(f"{name!r} must be a non-empty string")
    return value


def reference_id(body: dict[str, Any], name: str) -> str:
    """The ``id`` of a reference field like ``{"user": {"id": "+79..."}}``."""
    ref = body.get(name)
    if not isinstance(ref, dict):
        raise bad_request(f"{name!r} must be an object with an 'id'")
    return required_string(ref, "id")
