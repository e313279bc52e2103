"""``Range: items=1-50`` paging the way OCS does it.

The first request of a listing takes a snapshot and names it by an ``Etag``; a request
with ``If-Match: <etag>`` continues that snapshot (an unknown or expired one is a 412).
Answers are ``200`` with ``Accept-Ranges: items`` and ``Content-Range: items 1-50/120``;
a page is capped at ``MAX_PAGE_SIZE`` items whatever the range asks, and a range that
starts past the end is a 416.
"""

from __future__ import annotations

import itertools
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from aiohttp import web

from backends.ocs.errors import OcsError, bad_request
from backends.ocs.responses import ocs_json

T = TypeVar("T")

# OCS's rest_page_size: the most items one answer holds.
MAX_PAGE_SIZE = 1000
# Snapshots kept for continuation: enough for every listing in flight at once.
_SNAPSHOTS = 256
_RANGE = re.compile(r"items\s*=\s*(\d+)\s*-\s*(\d+)", re.IGNORECASE)


class Listings(Generic[T]):
    def __init__(self, capacity: int = _SNAPSHOTS) -> None:
        self._capacity = capacity
        self._snapshots: OrderedDict[str, Sequence[T]] = OrderedDict()
        self._counter = itertools.count(1)

    def snapshot(self, items: Sequence[T]) -> str:
        etag = f"{time.time_ns() // 1_000_000}-{next(self._counter)}"
        self._snapshots[etag] = items
        while len(self._snapshots) > self._capacity:
            self._snapshots.popitem(last=False)
        return etag

    def continued(self, etag: str) -> Sequence[T]:
        items = self._snapshots.get(etag)
        if items is None:
            raise OcsError(412, f"no listing {etag!r} to continue (expired?)")
        return items

    def page(
        self,
        request: web.Request,
        matching: Callable[[], Sequence[T]],
        render: Callable[[T], dict[str, Any]],
    ) -> web.Response:
        """The page of the listing the request asks for: a new one, or one continued."""
        first, last = parse_range(request.headers.get("Range"))
        etag = request.headers.get("If-Match")
        if etag is None:
            items = matching()
            etag = self.snapshot(items)
        else:
            items = self.continued(etag)
        total = len(items)
        if total == 0 and first == 1:
            return _answer([], etag, "items */0")
        if first > total:
            raise OcsError(416, f"items {first}- is past the end ({total} items)")
        last = min(last, first + MAX_PAGE_SIZE - 1, total)
        page = [render(item) for item in items[first - 1 : last]]
        return _answer(page, etag, f"items {first}-{last}/{total}")


def parse_range(header: str | None) -> tuple[int, int]:
    """``items=1-50`` -> (1, 50); no header is the first page."""
    if header is None:
        return 1, MAX_PAGE_SIZE
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        raise bad_request(f"Range must be 'items=<first>-<last>', not {header!r}")
    first, last = int(match.group(1)), int(match.group(2))
    if first < 1 or last < first:
        raise bad_request(f"not a range of items: {header!r}")
    return first, last


def _answer(page: list[dict[str, Any]], etag: str, content_range: str) -> web.Response:
    headers = {"Etag": etag, "Accept-Ranges": "items", "Content-Range": content_range}
    return ocs_json(page, headers=headers)
