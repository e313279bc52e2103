"""TMF collection queries: ``offset``/``limit``, and ``field=value`` filters.

A filter names a dotted field path (``logicalResource.id``) and a comma-separated value
matches any of the listed values, which is what lets one call serve a dataloader batch.
Every route lists the filters it takes: a filter on any other field is a 400, so a typo in
an adapter is an error and not a silently empty result. A handler serves its key filter
from an index (a dict lookup per listed id) and leaves the others to :meth:`Query.select`,
which matches them on the rendered entities.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from backends.kit.errors import bad_request

T = TypeVar("T")
R = TypeVar("R")

# Parameters every TMF collection takes that are not filters; `fields` is accepted and
# ignored, as docs/backends.md allows.
PAGING_PARAMETERS = frozenset({"offset", "limit", "fields"})

# A `+` sent unencoded in a query string arrives as a space (form encoding): in front of
# an MSISDN's digits, or of a timestamp's UTC offset.
_SPACE_PLUS_NUMBER = re.compile(r" (\d{6,15})")
_SPACE_PLUS_OFFSET = re.compile(r"(.*T[\d:.]+) (\d{2}:\d{2})")


@dataclass(frozen=True)
class Query:
    offset: int
    limit: int | None
    filters: Mapping[str, tuple[str, ...]]

    def values(self, name: str) -> tuple[str, ...] | None:
        """The values listed for filter ``name`` (deduplicated, in order), or None."""
        return self.filters.get(name)

    def single(self, name: str) -> str | None:
        values = self.filters.get(name)
        if values is None:
            return None
        if len(values) != 1:
            raise bad_request(f"{name!r} takes exactly one value")
        return values[0]

    def select(
        self,
        records: Sequence[R],
        render: Callable[[R], dict[str, Any]],
        *,
        handled: Collection[str] = (),
    ) -> tuple[list[dict[str, Any]], int]:
        """Apply the filters not in ``handled`` and the page: (rendered page, total matching).

        Without such filters only the page is rendered, so paging through a whole
        10,000-number collection stays cheap.
        """
        rest = {name: set(values) for name, values in self.filters.items() if name not in handled}
        if not rest:
            return [render(record) for record in self.page(records)], len(records)
        rendered = (render(record) for record in records)
        matching = [entity for entity in rendered if _matches_all(entity, rest)]
        return self.page(matching), len(matching)

    def page(self, items: Sequence[T]) -> list[T]:
        end = None if self.limit is None else self.offset + self.limit
        return list(items[self.offset : end])


def parse_query(params: Mapping[str, str], allowed: Collection[str]) -> Query:
    """Parse a request's query; raises a 400 TmfError on a bad or unknown parameter."""
    offset = _non_negative_int(params, "offset")
    limit = _non_negative_int(params, "limit")
    filters: dict[str, tuple[str, ...]] = {}
    for name, raw in params.items():
        if name in PAGING_PARAMETERS:
            continue
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise bad_request(f"unsupported query parameter {name!r} (filters: {known})")
        if name in filters:
            raise bad_request(f"{name!r} is given twice; list the values comma-separated")
        values = split_values(raw)
        if not values:
            raise bad_request(f"{name!r} has no value")
        filters[name] = values
    return Query(offset=offset or 0, limit=limit, filters=filters)


def split_values(raw: str) -> tuple[str, ...]:
    """``"A,B,A"`` -> ``("A", "B")``, restoring a plus that arrived as a space."""
    seen: dict[str, None] = {}
    for item in raw.split(","):
        value = restore_plus(item).strip()
        if value:
            seen.setdefault(value, None)
    return tuple(seen)


def restore_plus(value: str) -> str:
    if match := _SPACE_PLUS_NUMBER.fullmatch(value):
        return f"+{match.group(1)}"
    if match := _SPACE_PLUS_OFFSET.fullmatch(value):
        return f"{match.group(1)}+{match.group(2)}"
    return value


def _non_negative_int(params: Mapping[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"{name!r} must be a non-negative integer, not {raw!r}") from None
    if value < 0:
        raise bad_request(f"{name!r} must be a non-negative integer, not {raw!r}")
    return value


def _matches_all(entity: dict[str, Any], filters: Mapping[str, set[str]]) -> bool:
    return all(
        any(value in wanted for value in field_values(entity, path))
        for path, wanted in filters.items()
    )


def field_values(entity: Any, path: str) -> Iterator[str]:
    """The values at a dotted path, as query strings; lists on the way fan out."""
    head, _, rest = path.partition(".")
    if isinstance(entity, list):
        for element in entity:
            yield from field_values(element, path)
        return
    if not isinstance(entity, dict) or head not in entity:
        return
    node = entity[head]
    if rest:
        yield from field_values(node, rest)
    elif isinstance(node, list):
        for element in node:
            yield _as_query_string(element)
    else:
        yield _as_query_string(node)


def _as_query_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
