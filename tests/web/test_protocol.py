"""How the page talks to the gateway: one batched request per screen, and beside it the
number's own data asked in parts (`@defer`); each operation an automatic persisted query
(the hash first, the text only when the server asks for it); and the session refreshed
before the access token expires."""

from __future__ import annotations

import json
from typing import Any

from playwright.async_api import Page, Request

from tests.web.conftest import DEMO, DEMO_PASSWORD, WebGatewayFactory
from tests.web.flows import expect_home_of, log_in_with_password


class Recorder:
    """The bodies the page POSTs to /graphql, in order."""

    def __init__(self) -> None:
        self.bodies: list[Any] = []
        self.accepts: dict[str, str] = {}

    def __call__(self, request: Request) -> None:
        if request.url.endswith("/graphql") and request.method == "POST":
            body = json.loads(request.post_data or "null")
            self.bodies.append(body)
            if isinstance(body, dict):
                self.accepts[body["operationName"]] = request.headers.get("accept", "")

    def singles_of(self, operation: str) -> list[dict[str, Any]]:
        return [b for b in self.bodies if isinstance(b, dict) and b["operationName"] == operation]

    def batches_of(self, operation: str) -> list[list[dict[str, Any]]]:
        return [
            body
            for body in self.bodies
            if isinstance(body, list) and any(op["operationName"] == operation for op in body)
        ]


async def test_a_screen_is_one_batch_of_persisted_queries(
    page: Page, start_web: WebGatewayFactory
) -> None:
    recorder = Recorder()
    page.on("request", recorder)
    async with start_web() as web:
        await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
        await expect_home_of(page, web, DEMO, "Анна Смирнова")

        first, *again = recorder.batches_of("Account")
        names = [op["operationName"] for op in first]
        # Everything the screen shows comes in these three and HomeScreen, which is sent
        # on its own, asking for its answer in parts.
        assert sorted(names) == ["Account", "Catalog", "SupportConversation"]
        home_first, home_again = recorder.singles_of("HomeScreen")
        assert "query" not in home_first
        assert len(home_first["extensions"]["persistedQuery"]["sha256Hash"]) == 64
        assert "@defer" in home_again["query"]
        assert recorder.accepts["HomeScreen"].startswith("multipart/mixed;deferSpec=20220824")
        # The hash only, at first; the server did not know these yet and asked for the text,
        # which the page sent for those operations only, as one more batch.
        for op in first:
            assert "query" not in op
            assert len(op["extensions"]["persistedQuery"]["sha256Hash"]) == 64
        assert len(again) == 1
        assert all("query" in op for op in again[0])
        assert {op["operationName"] for op in again[0]} <= set(names)

        # The next time the screen loads, the server knows them all: one request.
        recorder.bodies.clear()
        await page.reload()
        await expect_home_of(page, web, DEMO, "Анна Смирнова")
        batches = recorder.batches_of("Account")
        assert len(batches) == 1
        assert all("query" not in op for op in batches[0])
        [home] = recorder.singles_of("HomeScreen")
        assert "query" not in home


async def test_the_session_is_refreshed_before_the_token_expires(
    page: Page, start_web: WebGatewayFactory
) -> None:
    # A 4-second access token: the page refreshes it at 3 s, without anyone acting.
    async with start_web(access_token_ttl=4) as web:
        await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
        await expect_home_of(page, web, DEMO, "Анна Смирнова")
        before = await page.evaluate("JSON.parse(sessionStorage.getItem('tgw.session'))")
        await page.wait_for_function(
            "old => JSON.parse(sessionStorage.getItem('tgw.session')).refreshToken !== old",
            arg=before["refreshToken"],
        )
        after = await page.evaluate("JSON.parse(sessionStorage.getItem('tgw.session'))")
        assert after["accessToken"] != before["accessToken"]
        # The new tokens work: the screen loads again without a login.
        await page.reload()
        await expect_home_of(page, web, DEMO, "Анна Смирнова")
