"""``Range: items=`` paging followed to the end: the recorded bucket list served in
pages, the way OCS pages (Etag + If-Match, `/*` while the total is unknown, a page capped
below what was asked, 416 past the end)."""

from __future__ import annotations

from collections.abc import Callable

import aiohttp
import orjson
import pytest
from aiohttp import web

from adapters.billing.ocs import build_ocs_billing
from adapters.billing.ocs.paging import ContentRange, parse_content_range
from domain.billing import BalanceRecord
from tests.harness.clock import FakeClock
from tests.ocs.captures import BUCKETS, SERVICE, capture
from tests.ocs.servers import PASSWORD, USERNAME, Replay
from tests.ocs.test_replay import BUCKETS_ROUTE, MSISDN, SERVICE_ROUTE

ETAG = "1795607409307-594"
ALL_BUCKETS = capture(BUCKETS).json()


def paged(*, page_cap: int, total_known: bool) -> Callable[[web.Request], web.Response]:
    """The recorded buckets, a page per request, at most ``page_cap`` a page."""

    def answer(request: web.Request) -> web.Response:
        first, last = (int(n) for n in request.headers["Range"].removeprefix("items=").split("-"))
        if first > 1 and request.headers.get("If-Match") != ETAG:
            return web.Response(status=412)
        if first > len(ALL_BUCKETS):
            return web.Response(status=416)
        last = min(last, first + page_cap - 1, len(ALL_BUCKETS))
        page = ALL_BUCKETS[first - 1 : last]
        # As OCS does: with the total unknown, the page that reaches the end tells it.
        end_known = total_known or last == len(ALL_BUCKETS)
        total = str(len(ALL_BUCKETS)) if end_known else "*"
        return web.Response(
            body=orjson.dumps(page),
            content_type="application/json",
            headers={
                "Etag": ETAG,
                "Accept-Ranges": "items",
                "Content-Range": f"items {first}-{last}/{total}",
            },
        )

    return answer


async def _balance(
    http: aiohttp.ClientSession, url: str, clock: FakeClock, page_size: int
) -> BalanceRecord:
    billing = build_ocs_billing(
        http, url, USERNAME, PASSWORD, 5.0, 2, clock, currency="USD", page_size=page_size
    )
    return (await billing.balances([MSISDN]))[MSISDN]


async def _single_page(
    replay: Replay, http: aiohttp.ClientSession, url: str, clock: FakeClock
) -> BalanceRecord:
    replay.on(BUCKETS_ROUTE, BUCKETS)
    record = await _balance(http, url, clock, 100)
    replay.requests.clear()
    return record


@pytest.mark.parametrize(
    ("page_cap", "total_known", "ranges"),
    [
        # Two pages of two, the total known from the first.
        (2, True, ["items=1-2", "items=3-4"]),
        # The total unknown (`/*`) until the page that reaches the end.
        (2, False, ["items=1-2", "items=3-4"]),
        # The system caps pages at one item: each next page starts after what came.
        (1, True, ["items=1-2", "items=2-3", "items=3-4", "items=4-5"]),
    ],
    ids=["two-pages", "total-unknown", "capped-pages"],
)
async def test_pages_are_followed_until_complete(
    replay: Replay,
    replay_url: str,
    http: aiohttp.ClientSession,
    clock: FakeClock,
    page_cap: int,
    total_known: bool,
    ranges: list[str],
) -> None:
    replay.on(SERVICE_ROUTE, SERVICE)
    whole = await _single_page(replay, http, replay_url, clock)
    replay.on(BUCKETS_ROUTE, paged(page_cap=page_cap, total_known=total_known))

    record = await _balance(http, replay_url, clock, page_size=2)

    assert record == whole
    sent = replay.sent("GET", "/balanceManagement/")
    assert [r.headers["Range"] for r in sent] == ranges
    assert "If-Match" not in sent[0].headers
    assert all(r.headers["If-Match"] == ETAG for r in sent[1:])


async def test_a_416_past_the_end_completes_a_listing_of_unknown_length(
    replay: Replay, replay_url: str, http: aiohttp.ClientSession, clock: FakeClock
) -> None:
    replay.on(SERVICE_ROUTE, SERVICE)
    whole = await _single_page(replay, http, replay_url, clock)

    def never_total(request: web.Request) -> web.Response:
        response = paged(page_cap=2, total_known=False)(request)
        if "Content-Range" in response.headers:
            response.headers["Content-Range"] = (
                response.headers["Content-Range"].split("/")[0] + "/*"
            )
        return response

    replay.on(BUCKETS_ROUTE, never_total)

    record = await _balance(http, replay_url, clock, page_size=2)

    assert record == whole
    sent = replay.sent("GET", "/balanceManagement/")
    assert [r.headers["Range"] for r in sent] == ["items=1-2", "items=3-4", "items=5-6"]


async def test_a_listing_without_content_range_is_taken_whole(
    replay: Replay, replay_url: str, http: aiohttp.ClientSession, clock: FakeClock
) -> None:
    replay.on(SERVICE_ROUTE, SERVICE)
    whole = await _single_page(replay, http, replay_url, clock)
    replay.on(
        BUCKETS_ROUTE,
        lambda request: web.Response(body=capture(BUCKETS).body, content_type="application/json"),
    )

    assert await _balance(http, replay_url, clock, page_size=2) == whole
    assert len(replay.sent("GET", "/balanceManagement/")) == 1


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (capture(BUCKETS).header("Content-Range"), ContentRange(1, 4, 4)),
        ("items 1-50/*", ContentRange(1, 50, None)),
        ("items */0", ContentRange(1, 0, 0)),
        ("Items 51-100 / 120", ContentRange(51, 100, 120)),
    ],
)
def test_content_ranges_are_read(header: str | None, expected: ContentRange) -> None:
    assert header is not None
    assert parse_content_range(header) == expected


@pytest.mark.parametrize("header", ["bytes 1-4/4", "items 1-4", "items a-b/4", ""])
def test_other_content_ranges_are_refused(header: str) -> None:
    with pytest.raises(ValueError, match="Content-Range"):
        parse_content_range(header)
