"""Shared reading of TM Forum answers: collections and the refs inside entities, and a
collection of many numbers' entities (one call for a dataloader's batch) per number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from adapters.errors import BackendResponseError

Entity = Mapping[str, Any]
R = TypeVar("R")


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


def by_number(
    payload: Any,
    backend: str,
    what: str,
    parse: Callable[[Entity], R | None],
    number: Callable[[R], str],
) -> dict[str, list[R]]:
    """A collection of many numbers' entities read into a list per number, in the
    collection's order; an entity `parse` passes over (None) is left out. Malformed:
    BACKEND_ERROR naming `backend` and `what`."""
    found: dict[str, list[R]] = defaultdict(list)
    with parsing(backend, what):
        for item in entities(payload):
            record = parse(item)
            if record is not None:
                found[number(record)].append(record)
    return found
