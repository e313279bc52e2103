"""The agents' console in Chromium: an agent signs in through the demo's
identity provider (authorization code with PKCE), opens a number typed the way a caller
says it, with its recent top-ups and statements, and a supervisor finds that read in the
audit log; the live inbox: a subscriber's chat message reaches the console over the
WebSocket, the agent answers from it and the subscriber's page shows the answer live;
axe-core on the console's screens at desktop and phone sizes, and no sideways scrolling
on a phone. Numbers +79000000393, 394, 398 and 399 are this file's."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from playwright.async_api import Browser, Page, expect
from starlette.applications import Starlette

from backends.identity.app import (
    AUDIENCE,
    CLIENT_ID,
    RunningIdentityProvider,
    start_identity_provider,
)
from backends.runner import BackendsThread
from gateway.web.assets import AgentSignIn, web_routes
from tests.conftest import SettingsFactory
from tests.harness import gateway as harness
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient
from tests.harness.live import hubs_registered, until_following
from tests.web.axe import assert_no_serious_violations
from tests.web.conftest import DESKTOP, PHONE, SCREENSHOTS, WebGateway
from tests.web.flows import log_in_as, open_screen
from tests.web.test_support import chat_log, conversation_of, write

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
    sign_in, token = f"{identity.url}/authorize", f"{identity.url}/token"

    def with_console(app: Starlette) -> Starlette:
        app.router.routes += web_routes(agent_sign_in=AgentSignIn(sign_in, token, CLIENT_ID))
        return app

    settings = make_settings(
        agent_jwks_url=f"{identity.url}/.well-known/jwks.json",
        agent_issuer=identity.url,
        agent_audience=AUDIENCE,
        agent_sign_in_url=sign_in,
        agent_token_url=token,
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
    # The provider's form, reached with a code request bound to an S256 challenge.
    request = parse_qs(urlsplit(page.url).query)
    assert request["response_type"] == ["code"]
    assert request["code_challenge_method"] == ["S256"]
    assert len(request["code_challenge"][0]) == 43
    await page.get_by_label("Логин / Login").fill(user)
    await page.get_by_label("Пароль / Password").fill("demo")
    await page.get_by_role("button", name="Войти / Sign in").click()
    await expect(page.get_by_role("heading", name="Номер абонента")).to_be_visible()
    # The code was exchanged and taken out of the address.
    assert urlsplit(page.url).query == ""


TOP_UP = """mutation($m: Msisdn!, $k: String) {
  topUp(msisdn: $m, amount: "250", paymentMethod: {googlePayToken: "g-console"},
    idempotencyKey: $k) { topUpId userErrors { code } } }"""
STATEMENT = """mutation($m: Msisdn!, $f: Date!, $t: Date!, $k: String) {
  orderStatement(msisdn: $m, from: $f, to: $t, email: "console@example.ru",
    idempotencyKey: $k) { statementId userErrors { code } } }"""


async def money_and_paperwork(gateway: GatewayClient, msisdn: str) -> str:
    """A top-up and a statement order for the number, as its owner makes them; the
    top-up's id."""
    token = gateway.subscriber_token(msisdn)
    paid = await gateway.query(TOP_UP, {"m": msisdn, "k": uuid.uuid4().hex}, token=token)
    assert paid.data["topUp"]["userErrors"] == []
    today = gateway.runtime.clock.now().date()
    variables = {"m": msisdn, "f": str(today - timedelta(days=7)), "t": str(today)}
    ordered = await gateway.query(STATEMENT, {**variables, "k": uuid.uuid4().hex}, token=token)
    assert ordered.data["orderStatement"]["userErrors"] == []
    top_up_id: str = paid.data["topUp"]["topUpId"]
    return top_up_id


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
        await agent.get_by_label("Номер", exact=True).first.fill("8 (900) 000-03-99")
        await agent.get_by_role("button", name="Открыть").click()
        await expect(agent.locator('#picture [data-field="msisdn"]')).to_have_text(CALLER)
        await expect(agent.locator('#picture [data-field="tariff"]')).not_to_have_text("")
        await agent_context.close()

        lead_context = await browser.new_context(viewport=DESKTOP, locale="ru-RU")
        lead = watched(await lead_context.new_page(), problems)
        await sign_in(lead, gateway.url, "lead")
        # The picture's read (the conversation's read is an entry of its own).
        row = lead.locator("#audit-rows tr").filter(has_text=CALLER).filter(has_text="tariff")
        await expect(row.first).to_contain_text("olga@demo")
        await expect(row.first).to_contain_text("balance")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await lead.screenshot(path=SCREENSHOTS / "agent-console-audit.png", full_page=True)
        await lead_context.close()
        assert problems == []


async def test_a_chat_message_reaches_the_console_live_and_the_answer_reaches_the_page(
    browser: Browser,
    make_settings: SettingsFactory,
    identity: RunningIdentityProvider,
    backends: BackendsThread,
    http: aiohttp.ClientSession,
    admins: dict[str, BackendAdmin],
) -> None:
    caller = "+79000000398"
    problems: list[str] = []
    async with console_gateway(make_settings, identity) as gateway, hubs_registered(gateway):
        web = WebGateway(gateway, backends.sms_url, http, admins)
        top_up_id = await money_and_paperwork(gateway, caller)
        agent_context = await browser.new_context(viewport=DESKTOP, locale="ru-RU")
        agent = watched(await agent_context.new_page(), problems)
        await sign_in(agent, gateway.url, "olga")
        await expect(agent.locator("#inbox-state")).to_have_text("на связи")
        await until_following(gateway, "support:inbox")

        # The whole picture of the number, typed as a caller says it.
        await agent.get_by_label("Номер", exact=True).first.fill("+7 (900) 000-03-98")
        await agent.get_by_role("button", name="Открыть").click()
        picture = agent.locator("#picture")
        await expect(picture.locator('[data-field="msisdn"]')).to_have_text(caller)
        sections = ("quotas", "services", "orders", "offers", "links", "linked-by", "conversation")
        for name in (*sections, "top-ups", "statements"):
            await expect(picture.locator(f'[data-field="{name}"] li').first).to_be_visible()
        # The owner's top-up a moment ago, newest first, and the statement just ordered.
        newest = picture.locator('[data-field="top-ups"] li').first
        await expect(newest).to_contain_text("250.00 RUB, зачислено, Google Pay")
        await expect(newest).to_contain_text(top_up_id)
        await expect(picture.locator('[data-field="statements"] li').first).to_contain_text(
            "PDF, console@example.ru: отправлена"
        )
        quotas = await picture.locator('[data-field="quotas"] li').count()
        account = await web.read("{ me { balance { quotas { kind } } } }", caller)
        assert quotas == max(1, len(account["me"]["balance"]["quotas"]))

        subscriber_context = await browser.new_context(viewport=DESKTOP, locale="ru-RU")
        page = watched(await subscriber_context.new_page(), problems)
        await log_in_as(page, web, caller)
        await open_screen(page, "support")
        await write(page, "Не приходят SMS")

        # It arrives in the console without a reload.
        conversation = await conversation_of(web, caller)
        card = agent.locator(f'[data-conversation="{conversation["id"]}"]')
        await expect(card).to_contain_text("Не приходят SMS")
        await assert_no_serious_violations(agent, "agent console: number and inbox")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await agent.screenshot(path=SCREENSHOTS / "agent-console-number.png", full_page=True)
        await until_following(gateway, f"conversation:{conversation['id']}")
        await card.get_by_label(f"Ответ {caller}").fill("Перезагрузите телефон, пожалуйста")
        await card.get_by_role("button", name="Отправить").click()
        # The answer comes back to the console over the inbox, and to the subscriber's page.
        await expect(card.locator(".messages li").last).to_have_text(
            "agent:olga@demo: Перезагрузите телефон, пожалуйста"
        )
        await expect(chat_log(page).locator("li[data-message-id]").last).to_contain_text(
            "Перезагрузите телефон, пожалуйста"
        )
        await agent.screenshot(path=SCREENSHOTS / "agent-console-inbox.png", full_page=True)

        # Escalating from the console: the ticket's id on the card.
        await card.get_by_role("button", name="Передать в заявку").click()
        await expect(card.locator(".ticket")).to_contain_text("Заявка: ")
        escalated = await web.read(
            "query($m: Msisdn!) { supportConversation(msisdn: $m) { ticketId } }",
            caller,
            {"m": caller},
        )
        ticket_id = escalated["supportConversation"]["ticketId"]
        await expect(card.locator(".ticket")).to_have_text(f"Заявка: {ticket_id}")
        await agent_context.close()
        await subscriber_context.close()

        # The supervisor finds olga's read of this number with the filters.
        lead_context = await browser.new_context(viewport=DESKTOP, locale="ru-RU")
        lead = watched(await lead_context.new_page(), problems)
        await sign_in(lead, gateway.url, "lead")
        audit = lead.locator("#audit")
        await audit.get_by_label("Сотрудник").fill("olga@demo")
        await audit.get_by_label("Номер").fill("8 900 000 03 98")
        await audit.get_by_role("button", name="Показать").click()
        rows = lead.locator("#audit-rows tr")
        await expect(rows.first).to_contain_text(caller)
        await expect(rows.filter(has_text="supportConversation").first).to_be_visible()
        for row in await rows.all():
            await expect(row).to_contain_text("olga@demo")
            await expect(row).to_contain_text(caller)
        await assert_no_serious_violations(lead, "agent console: audit log")
        # A bad filter is said beside the form, not a blank table.
        await audit.get_by_label("Номер").fill("12")
        await audit.get_by_role("button", name="Показать").click()
        await expect(lead.locator("#audit-problem")).to_have_text("Проверьте номер")
        await lead_context.close()
    assert problems == []


async def page_is_narrow(page: Page) -> None:
    """Nothing of the page needs scrolling sideways (the phone's width is the page's)."""
    widths = await page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    # The elements reaching past the right edge, to say what to fix.
    wide = await page.evaluate(
        """() => [...document.querySelectorAll("body *")]
          .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth)
          .map((e) => `${e.tagName}#${e.id}.${e.className}: ${e.getBoundingClientRect().right}`)
          .slice(0, 8)"""
    )
    assert widths[0] <= widths[1], f"the page is {widths[0]}px wide in {widths[1]}px: {wide}"


async def test_the_console_on_a_phone(
    browser: Browser, make_settings: SettingsFactory, identity: RunningIdentityProvider
) -> None:
    caller = "+79000000394"
    problems: list[str] = []
    async with console_gateway(make_settings, identity) as gateway:
        await money_and_paperwork(gateway, caller)
        context = await browser.new_context(viewport=PHONE, locale="ru-RU")
        lead = watched(await context.new_page(), problems)
        await lead.goto(f"{gateway.url}/agent/")
        await expect(lead.get_by_role("link", name="Войти через")).to_be_visible()
        await assert_no_serious_violations(lead, "agent console on a phone: sign-in")
        await page_is_narrow(lead)
        await sign_in(lead, gateway.url, "lead")

        # The signed-in picture of a number with top-ups and a statement.
        await lead.get_by_label("Номер", exact=True).first.fill("8 900 000-03-94")
        await lead.get_by_role("button", name="Открыть").click()
        picture = lead.locator("#picture")
        await expect(picture.locator('[data-field="msisdn"]')).to_have_text(caller)
        await expect(picture.locator('[data-field="top-ups"] li').first).to_contain_text("250.00")
        await assert_no_serious_violations(lead, "agent console on a phone: a number")
        await page_is_narrow(lead)

        # The audit log with that read in it.
        audit = lead.locator("#audit")
        await audit.get_by_label("Номер").fill(caller)
        await audit.get_by_role("button", name="Показать").click()
        read = lead.locator("#audit-rows tr").filter(has_text="topUps").first
        await expect(read).to_contain_text("statements")
        await expect(read).to_contain_text("lead@demo")
        await lead.locator("#audit").scroll_into_view_if_needed()
        await assert_no_serious_violations(lead, "agent console on a phone: audit log")
        await page_is_narrow(lead)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await lead.screenshot(path=SCREENSHOTS / "agent-console-phone.png", full_page=True)
        await context.close()
    assert problems == []
