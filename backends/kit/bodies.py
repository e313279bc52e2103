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


def resource_id(body: dict[str, Any], name: str) -> str:
    """The ``id`` of a TMF reference given as a list of one (``"logicalResource":
    [{"id": "+79..."}]``, the spec's shape) or as a bare object."""
    ref = body.get(name)
    if isinstance(ref, list):
        if len(ref) != 1 or not isinstance(ref[0], dict):
            raise bad_request(f"{name!r} must list exactly one reference with an 'id'")
        return required_string(ref[0], "id")
    return reference_id(body, name)


def optional_string(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(f"{name!r} must be a string")
    return value


def optional_bool(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise bad_request(f"{name!r} must be true or false")
    return value


def characteristic_value(body: dict[str, Any], name: str) -> Any:
    """The value of ``characteristic: [{"name": name, "value": ...}]``, or None."""
    characteristics = body.get("characteristic", [])
    if not isinstance(characteristics, list):
        raise bad_request("'characteristic' must be a list of {name, value}")
    for item in characteristics:
        if not isinstance(item, dict):
            raise bad_request("'characteristic' must be a list of {name, value}")
        if item.get("name") == name:
            return item.get("value")
    return None
