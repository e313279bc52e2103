"""The gateway's side of OCS's hub against the recorded answers and notifications
(tests/ocs/captures/hub_listener.*, hub_event_bucket_*.received.txt, the product)."""

from __future__ import annotations

import base64

import aiohttp
import orjson

from adapters.billing.ocs.billing import build_ocs_billing
from adapters.billing.ocs.hub import (
    BUCKET_EVENTS,
    callback_token,
    number_of_product,
    parse_notification,
    register_hub,
    registered_hub,
    token_matches,
)
from tests.harness.clock import FakeClock
from tests.harness.loopback_app import serving
from tests.ocs.captures import CAPTURES, PRODUCT
from tests.ocs.servers import PASSWORD, USERNAME, Replay

CREATED = "hub_event_bucket_created.received.txt"
DELETED = "hub_event_bucket_deleted.received.txt"


def _received_body(name: str) -> bytes:
    """The body of a request as it arrived at the recorded listener."""
    # Headers, a blank line, and the body on one line (CRLF or LF as recorded).
    return (CAPTURES / name).read_bytes().strip().splitlines()[-1]


def test_the_recorded_notifications_are_read() -> None:
    created = parse_notification(
        orjson.loads(_received_body("hub_event_bucket_created.received.txt"))
    )
    deleted = parse_notification(
        orjson.loads(_received_body("hub_event_bucket_deleted.received.txt"))
    )

    assert created.event_type == "BucketBalanceCreationNotification"
    assert deleted.event_type == "BucketBalanceDeletionEvent"
    assert {created.event_type, deleted.event_type} == BUCKET_EVENTS
    assert created.product_id == deleted.product_id == "1796524264222-2178"
    assert (created.event_id, deleted.event_id) == ("17965243102862594", "17965243241132626")


def test_the_token_is_the_secrets_own_and_checked_whole() -> None:
    token = callback_token(b"hub-secret")
    assert token == callback_token(b"hub-secret")
    assert token != callback_token(b"other-secret")
    assert "hub-secret" not in token
    assert token_matches(b"hub-secret", token)
    assert not token_matches(b"hub-secret", token[:-1])
    assert not token_matches(b"hub-secret", "")


async def test_registering_and_finding_a_products_number(http: aiohttp.ClientSession) -> None:
    replay = Replay()
    replay.on("POST /balanceManagement/v1/hub", "hub_listener.resp.txt")
    replay.on("GET /productInventoryManagement/v2/product/1795607397658-450", PRODUCT)
    async with serving(replay.app()) as url:
        client = build_ocs_billing(http, url, USERNAME, PASSWORD, 5.0, 2, FakeClock()).client
        hub_id = await register_hub(client, "http://127.0.0.1:18481/listener")
        number = await number_of_product(client, "1795607397658-450")

    assert hub_id == "17965243048682546"
    # realizingService [{"id":"14165551234"}] in the recorded product.
    assert number == "+14165551234"
    (sent,) = replay.sent("POST", "/balanceManagement/v1/hub")
    assert orjson.loads(sent.body) == {"callback": "http://127.0.0.1:18481/listener"}
    basic = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    assert sent.headers["Authorization"] == f"Basic {basic}"


async def test_a_listed_hub_is_found_and_a_dropped_one_is_not(
    http: aiohttp.ClientSession,
) -> None:
    listed, dropped = Replay(), Replay()
    listed.on("GET /balanceManagement/v1/hub", "get__balanceManagement_v1_hub.txt")
    dropped.on(
        "GET /balanceManagement/v1/hub", "get__balanceManagement_v1_hub.after_failed_delivery.txt"
    )
    callback = "http://127.0.0.1:18481/listener"
    found = []
    for replay in (listed, dropped):
        async with serving(replay.app()) as url:
            client = build_ocs_billing(http, url, USERNAME, PASSWORD, 5.0, 2, FakeClock()).client
            found.append(await registered_hub(client, callback))
            found.append(await registered_hub(client, callback + "/other"))
    assert found == ["17965243048682546", None, None, None]
