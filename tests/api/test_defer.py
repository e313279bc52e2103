"""A screen in parts over real HTTP: `@defer`/`@stream` answered as multipart/mixed, the
part that is not deferred sent before the slow backend answers, the deferred part's
errors kept in it, and the edge's checks applied to deferred fields like to any other."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest

from tests.api.queries import HOME_SCREEN
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient
from tests.harness.parts import parts_of

NUMBER = "+79000000005"
OTHER = "+79000000006"
APOLLO = "multipart/mixed;deferSpec=20220824, application/json"
GRAPHQL_JS = "multipart/mixed, application/json;q=0.9"

HOME_DEFERRED = """query HomeDeferred { me {
  msisdn balance { money { amount currency } }
  ... @defer(label: "offers") { offers { id title activated } }
} }"""


@asynccontextmanager
async def posted(
    gateway: GatewayClient, query: str, accept: str, token: str | None = None
) -> AsyncIterator[aiohttp.ClientResponse]:
    headers = {"accept": accept}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    async with gateway.session.post(
        f"{gateway.url}/graphql", json={"query": query}, headers=headers
    ) as response:
        yield response


async def all_parts(gateway: GatewayClient, query: str, accept: str, token: str) -> list[Any]:
    async with posted(gateway, query, accept, token) as response:
        assert response.status == 200
        assert response.headers["content-type"].startswith("multipart/mixed")
        return [part async for part in parts_of(response)]


async def test_the_screen_arrives_before_the_slow_backend_answers(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    # Loyalty holds every request until released: the first part can only have come
    # before loyalty answered.
    async with start_gateway(loyalty_timeout=60, request_deadline=120) as gateway:
        await admins["loyalty"].faults(hang=True)
        token = gateway.subscriber_token(NUMBER)
        async with posted(gateway, HOME_DEFERRED, APOLLO, token) as response:
            assert response.status == 200
            assert "deferSpec=20220824" in response.headers["content-type"]
            parts = parts_of(response)
            first = await anext(parts)
            assert first["hasNext"] is True
            assert first["data"]["me"]["balance"]["money"]["currency"]
            assert "offers" not in first["data"]["me"]
            await admins["loyalty"].faults(hang=False)
            second = await anext(parts)
            rest = [part async for part in parts]
    assert second["hasNext"] is False
    assert rest == []
    [offers] = second["incremental"]
    assert offers["path"] == ["me"]
    assert offers["label"] == "offers"
    assert isinstance(offers["data"]["offers"], list)
    assert offers["data"]["offers"]
    assert "errors" not in offers


async def test_graphql_js_format_when_no_defer_spec_is_named(gateway: GatewayClient) -> None:
    token = gateway.subscriber_token(NUMBER)
    parts = await all_parts(gateway, HOME_DEFERRED, GRAPHQL_JS, token)
    first, *later = parts
    assert first["pending"] == [{"id": "0", "path": ["me"], "label": "offers"}]
    assert first["hasNext"] is True
    incremental = [i for p in later for i in p.get("incremental", [])]
    completed = [c for p in later for c in p.get("completed", [])]
    assert incremental[0]["id"] == "0"
    assert "offers" in incremental[0]["data"]
    assert completed == [{"id": "0"}]
    assert later[-1]["hasNext"] is False


async def test_a_failing_deferred_part_carries_its_error_and_the_rest_stands(
    gateway: GatewayClient, admins: dict[str, BackendAdmin]
) -> None:
    await admins["loyalty"].faults(down=True)
    token = gateway.subscriber_token(NUMBER)
    first, second = await all_parts(gateway, HOME_DEFERRED, APOLLO, token)
    assert "errors" not in first
    assert first["data"]["me"]["balance"]["money"]["amount"]
    [part] = second["incremental"]
    assert part["data"] == {"offers": None}
    [error] = part["errors"]
    assert error["path"] == ["me", "offers"]
    assert error["extensions"]["code"].startswith("BACKEND_")
    assert error["extensions"]["requestId"]
    assert "loyalty" in error["message"]
    assert "http" not in error["message"]


async def test_a_deferred_number_that_is_not_yours_is_forbidden(gateway: GatewayClient) -> None:
    query = f"""query {{ me {{ msisdn }}
      ... @defer {{ subscriber(msisdn: "{OTHER}") {{ balance {{ money {{ amount }} }} }} }} }}"""
    token = gateway.subscriber_token(NUMBER)
    first, second = await all_parts(gateway, query, APOLLO, token)
    assert first["data"] == {"me": {"msisdn": NUMBER}}
    [part] = second["incremental"]
    assert part["data"] == {"subscriber": None}
    assert [e["extensions"]["code"] for e in part["errors"]] == ["FORBIDDEN"]


async def test_limits_are_measured_on_deferred_fields_too(start_gateway: GatewayFactory) -> None:
    deep = (
        "query { me { msisdn"
        " ... @defer { linkedNumbers { subscriber { linkedNumbers { msisdn } } } } } }"
    )
    async with start_gateway(max_depth=4) as gateway:
        token = gateway.subscriber_token(NUMBER)
        async with posted(gateway, deep, APOLLO, token) as response:
            body = await response.json()
            content_type = response.headers["content-type"]
    # Refused whole, before anything ran: no parts.
    assert content_type.startswith("application/json")
    assert [e["extensions"]["code"] for e in body["errors"]] == ["QUERY_TOO_DEEP"]
    assert "data" not in body


async def test_a_client_that_takes_no_parts_gets_the_whole_answer(
    gateway: GatewayClient,
) -> None:
    token = gateway.subscriber_token(NUMBER)
    plain = HOME_DEFERRED.replace('... @defer(label: "offers") { offers', "offers").replace(
        "activated } }", "activated }"
    )
    whole = await gateway.query(HOME_DEFERRED, token=token)
    expected = await gateway.query(plain, token=token)
    assert whole.status == 200
    assert whole.errors == []
    assert whole.headers["content-type"].startswith("application/json")
    assert whole.data == expected.data
    assert whole.data["me"]["offers"]


async def test_stream_sends_a_list_in_parts(gateway: GatewayClient) -> None:
    query = "query { me { msisdn offers @stream(initialCount: 1) { id } } }"
    token = gateway.subscriber_token(NUMBER)
    whole = await gateway.query("query { me { offers { id } } }", token=token)
    ids = [o["id"] for o in whole.data["me"]["offers"]]
    assert len(ids) > 1
    first, *later = await all_parts(gateway, query, APOLLO, token)
    assert first["data"]["me"]["offers"] == [{"id": ids[0]}]
    items = [i for p in later for i in p.get("incremental", [])]
    assert items[0]["path"] == ["me", "offers", 1]
    assert [o["id"] for i in items for o in i["items"]] == ids[1:]


async def test_a_deferred_answer_is_never_kept(
    gateway: GatewayClient, caplog: pytest.LogCaptureFixture
) -> None:
    token = gateway.subscriber_token(NUMBER)
    with caplog.at_level(logging.INFO, logger="telecom_gateway.access"):
        for _ in range(2):
            await all_parts(gateway, HOME_DEFERRED, APOLLO, token)
        for _ in range(2):
            assert (await gateway.query(HOME_DEFERRED, token=token)).errors == []
        # The same screen without @defer is kept as before: the log can tell.
        for _ in range(2):
            assert (await gateway.query(HOME_SCREEN, token=token)).errors == []
    kept = [r.__dict__["answers_kept"] for r in caplog.records if r.name.endswith("access")]
    assert kept == [0, 0, 0, 0, 0, 1]


async def test_the_allow_list_and_the_rate_limit_hold_for_deferred_operations(
    start_gateway: GatewayFactory,
) -> None:
    async with start_gateway(persisted_queries="allowlist") as gateway:
        token = gateway.subscriber_token(NUMBER)
        async with posted(gateway, HOME_DEFERRED, APOLLO, token) as response:
            body = await response.json()
    assert [e["extensions"]["code"] for e in body["errors"]] == ["PERSISTED_QUERY_NOT_ALLOWED"]
    async with start_gateway(rate_per_subscriber=1) as gateway:
        token = gateway.subscriber_token(NUMBER)
        # One operation is one count, however many parts it is sent in.
        assert len(await all_parts(gateway, HOME_DEFERRED, APOLLO, token)) == 2
        async with posted(gateway, HOME_DEFERRED, APOLLO, token) as response:
            body = await response.json()
    assert [e["extensions"]["code"] for e in body["errors"]] == ["RATE_LIMITED"]
