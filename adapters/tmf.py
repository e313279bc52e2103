"""Shared reading of TM Forum answers: collections and the refs inside entities."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from adapters.errors import BackendResponseError

Entity = Mapping[str, Any]


def entities(payload: Any) -> list[Entity]:
    """A TMF collection: a JSON array of objects (anything else is a broken answer)."""
    if not isinstance(payload, list):
        raise ValueError("expected a JSON array")
    return [item for item in payload if isinstance(item, Mapping)]


def ref_id(entity: Entity, field: str) -> str | None:
    """The `id` of a single ref field (`{"billingAccount": {"id": ...}}`)."""
    ref = entity.get(field)
    if isinstance(ref, Mapping) and ref.get("id") is not None:
        return str(ref["id"])
    return None


def ref_ids(entity: Entity, field: str) -> list[str]:
    """The `id`s of a list-of-refs field (`{"relatedParty": [{"id": ...}]}`)."""
    refs = entity.get(field) or ()
    return [str(r["id"]) for r in refs if isinstance(r, Mapping) and r.get("id") is not None]


def characteristics(entity: Entity, field: str = "characteristic") -> dict[str, Any]:
    """`[{"name": n, "value": v}, ...]` as `{n: v}`."""
    found: dict[str, Any] = {}
    for item in entity.get(field) or ():
        if isinstance(item, Mapping) and "name" in item:
            found[str(item["name"])] = item.get("value")
    return found


@contextmanager
def parsing(backend: str, what: str) -> Iterator[None]:
    """A malformed answer is the backend's fault: say which and what, as BACKEND_ERROR."""
    try:
        yield
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackendResponseError(backend, f"unreadable {what}: {exc}") from exc
