"""The entity a route's `{id}` names, or TMF's 404 naming its kind and the id: what every
simulator's "one resource" route (GET one, and the actions on one) starts with."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from aiohttp import web

from backends.kit.errors import not_found

T = TypeVar("T")


def path_entity(request: web.Request, kind: str, lookup: Callable[[str], T | None]) -> T:
    entity_id = request.match_info["id"]
    entity = lookup(entity_id)
    if entity is None:
        raise not_found(kind, entity_id)
    return entity
