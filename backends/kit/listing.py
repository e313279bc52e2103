"""A TMF collection GET served as backends/kit/filters.py describes it: its key filter
from an index (the state's lookup of the listed ids; None: all), the other filters and
the page by `Query.select`. Most of the simulators' list routes are exactly this."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any, TypeVar

from aiohttp import web

from backends.kit.filters import parse_query
from backends.kit.responses import collection_response

R = TypeVar("R")


def indexed_collection(
    request: web.Request,
    allowed: Collection[str],
    key: str,
    lookup: Callable[[tuple[str, ...] | None], Iterable[R]],
    render: Callable[[R], dict[str, Any]],
) -> web.Response:
    query = parse_query(request.query, allowed)
    records = list(lookup(query.values(key)))
    page, total = query.select(records, render, handled=(key,))
    return collection_response(page, total=total)
