"""The agents' console, first slice, in Chromium: an agent signs in through the demo's
identity provider, opens a number typed the way a caller says it, and a supervisor finds
that read in the audit log. Numbers +79000000399 is this file's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import Browser, Page, expect
from starlette.applications import Starlette

from backends.identity.app import AUDIENCE, RunningIdentityProvider, start_identity_provider
from gateway.web.assets import web_routes
from tests.conftest import SettingsFactory
from tests.harness import gateway as harness
from tests.harness.gateway import GatewayClient
from tests.web.conftest import DESKTOP, SCREENSHOTS

CALLER = "+79000000399"


@pytest.fixture
async def identity() -> AsyncIterator[RunningIdentityProvider]:
    provider = await start_identity_provider("127.0.0.1", frozenset())
    yield provider
    await provider.stop()


@asynccontextmanager
async def console_gateway(
    make_settings: SettingsFactory, identity: RunningIdentityProvider
) -> AsyncIterator[GatewayClient]:
    sign_in = f"{identity.url}/authorize"

    def with_console(app: Starlette) -> Starlette:
        app.router.routes += web_routes(agent_sign_in=sign_in)
        return app

    settings = make_settings(
        agent_jwks_url=f"{identity.url}/.well-known/jwks.json",
        agent_issuer=identity.url,
        agent_audience=AUDIENCE,
        agent_sign_in_url=sign_in,
        web=False,  # mounted above, with this test's provider in its config
    )
    async with harness.running_gateway(settings, wrap=with_console) as client:
        # The provider sends agents back only to the console it knows.
        identity.state.redirect_uris = frozenset({f"{client.url}/agent/"})
        yield client


def watched(page: Page, problems: list[str]) -> Page:
    page.on("pageerror", lambda error: problems.append(error.message))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    return page


async def sign_in(page: Page, url: str, user: str) -> None:
    await page.goto(f"{url}/agent/")
    await page.get_by_role("link", name="Войти через корпоративную учётную запись").click()
    await page.get_by_label("Логин / Login").fill(user)
    await page.get_by_label("Пароль / Password").fill("demo")
    await page.get_by_role("button", name="Войти / Sign in").click()
    await expect(page.get_by_role("heading", name="Номер абонента")).to_be_visible()


async def test_an_agent_opens_a_number_and_a_supervisor_finds_the_read(
    browser: Browser, make_settings: SettingsFactory, identity: RunningIdentityProvider
) -> None:
    async with console_gateway(make_settings, identity) as gateway:
        agent_context = await browser.new_context(viewport=DESKTOP, locale="ru-RU")
        problems: list[str] = []
        agent = watched(await agent_context.new_page(), problems)
        await sign_in(agent, gateway.url, "olga")
        # An agent is not a supervisor: no audit log.
        await expect(agent.locator("#audit")).to_be_hidden()
        await agent.get_by_label("Номер").fill("8 (900) 000-03-99")
        await agent.get_by_role("button", name="Открыть").click()
        await expect(agent.locator('#picture [data-field="msisdn"]')).to_have_text(CALLER)
        await expect(agent.locator('#picture [data-field="tariff"]')).not_to_have_text("")
        await agent_context.close()

        lead_context = await browser.new_context(viewport=DESKTOP, locale="ru-RU")
        lead = watched(await lead_context.new_page(), problems)
        await sign_in(lead, gateway.url, "lead")
        row = lead.locator("#audit-rows tr").filter(has_text=CALLER)
        await expect(row.first).to_contain_text("olga@demo")
        await expect(row.first).to_contain_text("tariff")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await lead.screenshot(path=SCREENSHOTS / "agent-console-audit.png", full_page=True)
        await lead_context.close()
        assert problems == []
