"""Fixtures for the web page's end-to-end tests: the gateway serving the page, and a
headless Debian Chromium driven by Playwright.

The page is added to the test app here (`web_routes` after the app's own routes, plus this
test's `/web-config.json` first) so these tests run whether or not `create_app` mounts the
page itself; once it does, only the config route stays ours, to point at this test's SMS
inbox.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    ViewportSize,
    async_playwright,
    expect,
)
from starlette.applications import Starlette
from starlette.routing import Mount

from adapters.clock import Clock
from backends.runner import BackendsThread
from gateway.settings import Settings
from gateway.web.assets import web_routes
from tests.conftest import SettingsFactory
from tests.harness import gateway as harness
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient
from tests.harness.inbox import last_code

CHROMIUM = os.environ.get("TGW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
# The page answers within milliseconds here; the margin is for a loaded CI machine.
expect.set_options(timeout=10_000)
# A test run leaves the working tree as it found it: screenshots go to a scratch folder
# unless TGW_SCREENSHOTS names one (`TGW_SCREENSHOTS=docs/screenshots make pytest` refreshes
# the README's).
SCREENSHOTS = Path(
    os.environ.get("TGW_SCREENSHOTS") or Path(tempfile.gettempdir()) / "tgw-screenshots"
).resolve()

DEMO = "+79000000001"
DEMO_PASSWORD = "demo-password"


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@dataclass
class WebGateway:
    """The gateway under test, serving the page, with what the tests need around it."""

    client: GatewayClient
    sms_url: str
    http: aiohttp.ClientSession
    admins: dict[str, BackendAdmin]

    @property
    def url(self) -> str:
        return self.client.url

    def inbox(self, msisdn: str) -> str:
        return f"{self.sms_url}/admin/messages?msisdn={msisdn.replace('+', '%2B')}"

    async def last_code(self, msisdn: str) -> str:
        return await last_code(self.http, self.sms_url, msisdn)

    async def read(self, query: str, msisdn: str, variables: dict[str, Any] | None = None) -> Any:
        """Asks the API itself, as `msisdn`, to know what the page should show."""
        token = self.client.subscriber_token(msisdn)
        answer = await self.client.query(query, variables, token=token)
        assert answer.errors == [], answer.errors
        return answer.data


def _with_page(app: Starlette, sms_url: str) -> Starlette:
    top_up = (
        Settings.model_fields["top_up_min"].default,
        Settings.model_fields["top_up_max"].default,
    )
    config_route, *page = web_routes(
        demo=True, sms_inbox=f"{sms_url}/admin/messages?msisdn=", top_up=top_up
    )
    # The test's own config answers first; the page (the console's route, then the mount
    # at "/") is added unless the app has it.
    app.router.routes.insert(0, config_route)
    if not any(isinstance(r, Mount) and r.path == "" for r in app.router.routes):
        app.router.routes.extend(page)
    return app


WebGatewayFactory = Callable[..., AbstractAsyncContextManager[WebGateway]]


@pytest.fixture
def start_web(
    make_settings: SettingsFactory,
    backends: BackendsThread,
    http: aiohttp.ClientSession,
    admins: dict[str, BackendAdmin],
) -> WebGatewayFactory:
    """`async with start_web(clock, **settings_overrides) as web:` -- the harness's gateway
    (on `clock` when given), its app also serving the page."""

    def with_page(app: Starlette) -> Starlette:
        return _with_page(app, backends.sms_url)

    @asynccontextmanager
    async def start(clock: Clock | None = None, **overrides: Any) -> AsyncIterator[WebGateway]:
        settings = make_settings(**overrides)
        async with harness.running_gateway(settings, clock, wrap=with_page) as client:
            yield WebGateway(client, backends.sms_url, http, admins)

    return start


@pytest.fixture
async def web(start_web: WebGatewayFactory) -> AsyncIterator[WebGateway]:
    async with start_web() as running:
        yield running


@dataclass
class PageProblems:
    """Uncaught exceptions and console errors of the page: a test fails on any."""

    errors: list[str] = field(default_factory=list)

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def exception(self, error: Error) -> None:
        self.errors.append(f"uncaught: {error.message}")


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    # A fresh context per test: its own sessionStorage and localStorage.
    created = await browser.new_context(viewport=DESKTOP, locale="ru-RU", timezone_id="UTC")
    created.set_default_timeout(10_000)
    try:
        yield created
    finally:
        await created.close()


@pytest.fixture
async def page(context: BrowserContext) -> AsyncIterator[Page]:
    problems = PageProblems()
    opened = await context.new_page()
    opened.on("console", problems.console)
    opened.on("pageerror", problems.exception)
    yield opened
    assert problems.errors == [], json.dumps(problems.errors, ensure_ascii=False, indent=1)
