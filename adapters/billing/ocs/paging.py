"""OCS collections come in pages: ``Range: items=1-50`` asks, ``Content-Range: items
1-50/120`` answers (``/*`` while the total is not known yet).

The pages of one listing are served by one paging process on the system, named by the
first answer's ``Etag``; later pages send it back as ``If-Match`` so they continue that
listing instead of starting a new one. The system may answer fewer items than asked
(it caps a page), so the next page starts after the last item *answered*, and a ``416``
(the range starts past the end) means the listing is complete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from adapters.billing.ocs.answers import reading
from adapters.billing.ocs.client import OcsClient, Params
from adapters.errors import BackendResponseError

# A listing longer than this is not a subscriber's buckets: stop rather than page forever.
MAX_PAGES = 100
_CONTENT_RANGE = re.compile(r"items\s+(?:(\d+)-(\d+)|\*)\s*/\s*(\d+|\*)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ContentRange:
    first: int
    last: int  # first - 1 for an empty page
    total: int | None  # None while unknown (`/*`)

    @property
    def complete(self) -> bool:
        return self.total is not None and self.last >= self.total


def parse_content_range(value: str) -> ContentRange:
    """``items 1-4/4`` -> (1, 4, 4); ``items 1-50/*`` -> (1, 50, None); ``items */0``
    -> (1, 0, 0). Raises ValueError on anything else."""
    match = _CONTENT_RANGE.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"not an items Content-Range: {value!r}")
    first, last, total = match.groups()
    known = None if total == "*" else int(total)
    if first is None:
        return ContentRange(1, 0, known)
    return ContentRange(int(first), int(last), known)


async def fetch_all(
    client: OcsClient, path: str, params: Params, page_size: int, what: str
) -> list[Any]:
    """Every item of a listing, page after page."""
    items: list[Any] = []
    start = 1
    etag: str | None = None
    for _ in range(MAX_PAGES):
        headers = {"Range": f"items={start}-{start + page_size - 1}"}
        if etag is not None:
            headers["If-Match"] = etag
        try:
            answer = await client.get(path, params, headers)
        except BackendResponseError as exc:
            if exc.status == 416:
                return items
            raise
        with reading(client.name, what, answer.status):
            if not isinstance(answer.body, list):
                raise ValueError("expected a JSON array")
            items.extend(answer.body)
            header = answer.headers.get("Content-Range")
            if header is None:
                return items  # not paged: that was all of it
            received = parse_content_range(header)
            if not answer.body or received.complete:
                return items
            if received.last < start:
                raise ValueError(f"page {header!r} does not move past item {start - 1}")
        start = received.last + 1
        etag = answer.headers.get("Etag") or etag
    raise BackendResponseError(
        client.name, f"{what}: more than {MAX_PAGES} pages of {page_size}", answer.status
    )
