"""Contract tests: the adapter against the recorded SigScale OCS answers, replayed byte
for byte on loopback; every value it reads is checked against the capture."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime
from decimal import Decimal

import orjson
import pytest
from aiohttp import web

from adapters.billing.ocs import OcsBilling
from adapters.billing.ocs.idempotency import IdempotencyConflictError
from adapters.errors import BackendNotFoundError, BackendResponseError
from domain.money import Money
from domain.quotas import QuotaKind
from tests.harness.clock import FakeClock
from tests.ocs.captures import (
    BUCKETS,
    FORBIDDEN,
    HTML_500,
    NO_SUCH_OFFERING,
    NO_SUCH_PATH,
    SERVICE,
    SERVICE_BALANCE,
    TOP_UP,
    capture,
    request_body,
)
from tests.ocs.servers import PASSWORD, USERNAME, Replay

# The captured subscriber, as the gateway names it, and what OCS calls it.
MSISDN = "+14165551234"
SERVICE_ROUTE = "GET /serviceInventoryManagement/v2/service/14165551234"
BUCKETS_ROUTE = "GET /balanceManagement/v1/bucket?product.id=1795607397658-450"
TOP_UP_ROUTE = "POST /balanceManagement/v1/service/14165551234/balanceTopup"


def _subscriber(replay: Replay) -> None:
    replay.on(SERVICE_ROUTE, SERVICE)
    replay.on(BUCKETS_ROUTE, BUCKETS)


async def test_a_balance_reads_every_bucket_of_the_capture(
    replay: Replay, replay_billing: OcsBilling, clock: FakeClock
) -> None:
    _subscriber(replay)

    found = await replay_billing.balances([MSISDN])

    assert set(found) == {MSISDN}
    record = found[MSISDN]
    assert record.msisdn == MSISDN
    # cents buckets "-25" and "50": currency units, summed exactly.
    assert record.money == Money(Decimal("25"), "USD")
    assert isinstance(record.money.amount, Decimal)
    # octets buckets "5000000000b" (until 2026-12-25T11:49:56.999) and "1000000000b"
    # (2026-11-01 to 2027-11-01): 10^9 octets a GB, soonest to expire first.
    data = [
        (q.kind, q.remaining, q.total, q.unit, q.unlimited, q.valid_until) for q in record.quotas
    ]
    assert data == [
        (QuotaKind.DATA, 5.0, None, "GB", False, datetime(2026, 12, 25, 11, 49, 56, 999000, UTC)),
        (QuotaKind.DATA, 1.0, None, "GB", False, datetime(2027, 11, 1, tzinfo=UTC)),
    ]
    for quota in record.quotas:
        assert quota.valid_until is not None
        assert quota.valid_until.utcoffset() is not None
    # No next charge: the recorded product (get__productInventoryManagement_v2_product_
    # 1795607397658-450.txt) carries only `startDate`, the service nothing of the kind, and
    # the offering only `recurringChargePeriod: "monthly"`, with no anchor. The earliest
    # bucket end (the allowance's, 2026-12-25T11:49:56.999) is not taken for it: a top-up's
    # bucket may end sooner (acc_topup_data_1g.*).
    assert record.next_charge_at is None
    assert record.updated_at == clock.now()
    assert record.stale is False


async def test_the_balance_agrees_with_the_systems_own_totals(
    replay: Replay, replay_billing: OcsBilling
) -> None:
    """OCS's accumulatedBalance (recorded in the same minute) totals the same buckets."""
    _subscriber(replay)
    record = (await replay_billing.balances([MSISDN]))[MSISDN]

    totals = {t["units"]: t["amount"] for t in capture(SERVICE_BALANCE).json()["totalBalance"]}
    assert totals == {"cents": "25", "octets": "6000000000b"}
    assert record.money.amount == Decimal(totals["cents"])
    assert sum(q.remaining for q in record.quotas) == 6.0


async def test_the_requests_are_what_ocs_takes(replay: Replay, replay_billing: OcsBilling) -> None:
    _subscriber(replay)
    await replay_billing.balances([MSISDN, MSISDN])

    auth = "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    (service,) = replay.sent("GET", "/serviceInventoryManagement/")
    (buckets,) = replay.sent("GET", "/balanceManagement/")
    for request in (service, buckets):
        assert request.headers["Authorization"] == auth
        assert request.headers["Accept"] == "application/json"
    assert buckets.headers["Range"] == "items=1-100"
    assert "If-Match" not in buckets.headers


async def test_buckets_count_as_ocs_counts_them(
    replay: Replay, replay_billing: OcsBilling, clock: FakeClock
) -> None:
    _subscriber(replay)
    # Before 2026-11-01: OCS looks only at a bucket's end (recorded 2026-12-06), so the
    # buckets starting later count already (50 - 25), and show when they start.
    clock.advance((datetime(2026, 10, 1, tzinfo=UTC) - clock.now()).total_seconds())
    early = (await replay_billing.balances([MSISDN]))[MSISDN]
    assert early.money.amount == Decimal("25")
    later = [q for q in early.quotas if q.valid_from is not None]
    assert later, early.quotas
    assert all(q.valid_from and q.valid_from > clock.now() for q in later)

    # After 2026-12-25T11:49:56.999 the 5 GB bucket has expired.
    clock.advance((datetime(2027, 6, 1, tzinfo=UTC) - clock.now()).total_seconds())
    late = (await replay_billing.balances([MSISDN]))[MSISDN]
    assert late.money.amount == Decimal("25")
    assert [q.remaining for q in late.quotas] == [1.0]


async def test_an_unknown_subscriber_is_absent(replay: Replay, replay_billing: OcsBilling) -> None:
    _subscriber(replay)
    # The system's TMF Error body for an unknown entity.
    replay.on("GET /serviceInventoryManagement/v2/service/79990000000", NO_SUCH_OFFERING)

    found = await replay_billing.balances(["+79990000000", MSISDN])

    assert set(found) == {MSISDN}
    assert await replay_billing.balances([]) == {}


async def test_a_path_the_system_does_not_serve_is_an_error_not_an_unknown_number(
    replay: Replay, replay_billing: OcsBilling
) -> None:
    """A 404 "No resource exists at the path provided" (a wrong base URL) must not make
    every subscriber look unknown."""
    replay.on(SERVICE_ROUTE, NO_SUCH_PATH)

    with pytest.raises(BackendResponseError) as caught:
        await replay_billing.balances([MSISDN])

    assert not isinstance(caught.value, BackendNotFoundError)
    assert caught.value.status == 404
    assert "No resource exists at the path provided" in caught.value.detail


async def test_an_html_500_page_is_a_backend_error_with_its_status(
    replay: Replay, replay_billing: OcsBilling
) -> None:
    replay.on(SERVICE_ROUTE, HTML_500)

    with pytest.raises(BackendResponseError) as caught:
        await replay_billing.balances([MSISDN])

    assert type(caught.value) is BackendResponseError
    assert caught.value.status == 500
    assert caught.value.backend == "billing"
    assert "Internal Server Error" in caught.value.detail


async def test_a_tmf_error_keeps_its_status_and_reason(
    replay: Replay, replay_billing: OcsBilling
) -> None:
    replay.on(SERVICE_ROUTE, FORBIDDEN)

    with pytest.raises(BackendResponseError) as caught:
        await replay_billing.balances([MSISDN])

    assert caught.value.status == 403
    assert "insufficient credit" in caught.value.detail


@pytest.mark.parametrize(
    ("route", "body"),
    [
        # JSON cut short.
        (SERVICE_ROUTE, capture(SERVICE).body[:-20]),
        # An object where the bucket list should be.
        (BUCKETS_ROUTE, capture(SERVICE).body),
        # A bucket amount in no unit OCS writes.
        (BUCKETS_ROUTE, capture(BUCKETS).body.replace(b'"5000000000b"', b'"5000000000x"')),
        # A bucket without its remainedAmount.
        (BUCKETS_ROUTE, capture(BUCKETS).body.replace(b'"remainedAmount"', b'"remained"')),
    ],
    ids=["truncated-json", "object-for-list", "bad-octets", "no-amount"],
)
async def test_a_malformed_answer_is_a_backend_error_with_its_status(
    replay: Replay, replay_billing: OcsBilling, route: str, body: bytes
) -> None:
    _subscriber(replay)
    recorded = replay.answers[route]
    assert not callable(recorded)
    replay.on(route, lambda request: recorded.response(body))

    with pytest.raises(BackendResponseError) as caught:
        await replay_billing.balances([MSISDN])

    assert type(caught.value) is BackendResponseError
    assert caught.value.status == 200


async def test_rfc7807_problems_are_read_too(replay: Replay, replay_billing: OcsBilling) -> None:
    problem = orjson.dumps(
        {"type": "about:blank", "title": "Bad Request", "status": 400, "detail": "bad id"}
    )
    replay.on(
        SERVICE_ROUTE,
        lambda request: web.Response(
            body=problem, status=400, content_type="application/problem+json"
        ),
    )

    with pytest.raises(BackendResponseError) as caught:
        await replay_billing.balances([MSISDN])

    assert caught.value.status == 400
    assert "Bad Request: bad id" in caught.value.detail


async def test_charges_are_empty_ocs_keeps_no_charge_history(
    replay: Replay, replay_billing: OcsBilling
) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    assert await replay_billing.charges([MSISDN], start, start.replace(month=12)) == {}
    assert replay.requests == []


async def test_a_top_up_posts_a_money_bucket_without_zoned_timestamps(
    replay: Replay, replay_billing: OcsBilling, clock: FakeClock
) -> None:
    _subscriber(replay)
    replay.on(TOP_UP_ROUTE, TOP_UP)

    bucket_id = await replay_billing.top_up(MSISDN, Money(Decimal("50.00"), "USD"), "key-1")

    assert bucket_id == capture(TOP_UP).json()["id"] == "1795607405340-530"
    (post,) = replay.sent("POST")
    assert post.headers["Content-Type"] == "application/json"
    assert b"Z" not in post.body
    sent = orjson.loads(post.body)
    recorded = request_body("topup.json")
    # The recorded request's shape, for the service rather than the product.
    assert sent["type"] == recorded["type"]
    assert sent["channel"] == {"name": "gateway"}
    assert sent["amount"] == recorded["amount"] == {"units": "cents", "amount": "50.00"}
    assert sent["validFor"] == {"startDateTime": "2026-11-25T11:50:09.000"}
    assert clock.now() == datetime(2026, 11, 25, 11, 50, 9, tzinfo=UTC)


async def test_a_top_up_is_made_once_per_idempotency_key(
    replay: Replay, replay_billing: OcsBilling
) -> None:
    _subscriber(replay)
    replay.on(TOP_UP_ROUTE, TOP_UP)
    fifty = Money(Decimal("50"), "USD")

    first = await replay_billing.top_up(MSISDN, fifty, "key-1")
    again = await replay_billing.top_up(MSISDN, Money(Decimal("50.00"), "USD"), "key-1")
    other = await replay_billing.top_up(MSISDN, fifty, "key-2")

    assert first == again == other == "1795607405340-530"
    assert len(replay.sent("POST")) == 2
    with pytest.raises(IdempotencyConflictError):
        await replay_billing.top_up(MSISDN, Money(Decimal("60"), "USD"), "key-1")


async def test_concurrent_duplicates_of_a_top_up_post_once(
    replay: Replay, replay_billing: OcsBilling
) -> None:
    _subscriber(replay)
    replay.on(TOP_UP_ROUTE, TOP_UP)
    fifty = Money(Decimal("50"), "USD")

    ids = await asyncio.gather(*(replay_billing.top_up(MSISDN, fifty, "key-1") for _ in range(5)))

    assert set(ids) == {"1795607405340-530"}
    assert len(replay.sent("POST")) == 1


async def test_a_failed_top_up_is_an_error_and_may_be_retried(
    replay: Replay, replay_billing: OcsBilling
) -> None:
    _subscriber(replay)
    replay.on(TOP_UP_ROUTE, HTML_500)
    fifty = Money(Decimal("50"), "USD")

    with pytest.raises(BackendResponseError) as caught:
        await replay_billing.top_up(MSISDN, fifty, "key-1")
    assert caught.value.status == 500

    replay.on(TOP_UP_ROUTE, TOP_UP)
    assert await replay_billing.top_up(MSISDN, fifty, "key-1") == "1795607405340-530"
    assert len(replay.sent("POST")) == 2


async def test_a_top_up_for_an_unknown_number_never_reaches_the_500_fault(
    replay: Replay, replay_billing: OcsBilling
) -> None:
    replay.on("GET /serviceInventoryManagement/v2/service/79990000000", NO_SUCH_OFFERING)

    with pytest.raises(BackendNotFoundError) as caught:
        await replay_billing.top_up("+79990000000", Money(Decimal(10), "USD"), "key-1")

    assert caught.value.status == 404
    assert replay.sent("POST") == []


@pytest.mark.parametrize(
    "amount",
    [
        Money(Decimal(0), "USD"),
        Money(Decimal(-5), "USD"),
        Money(Decimal(5), "RUB"),
        Money(Decimal("0.0000001"), "USD"),
    ],
    ids=["zero", "negative", "other-currency", "finer-than-ocs-keeps"],
)
async def test_a_top_up_ocs_cannot_take_is_refused_before_sending(
    replay: Replay, replay_billing: OcsBilling, amount: Money
) -> None:
    with pytest.raises(ValueError, match=r"."):
        await replay_billing.top_up(MSISDN, amount, "key-1")
    assert replay.requests == []
