"""axe-core on every screen, on a desktop (1366x900) and a phone (390x844): the login's
steps, each section of the cabinet, and the tariff change dialog. Serious and critical
violations fail the test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from tests.web.axe import assert_no_serious_violations
from tests.web.conftest import DEMO, DEMO_PASSWORD, PHONE, WebGateway
from tests.web.flows import SCREEN_NAMES, expect_home_of, log_in_with_password, open_screen

SIZES: dict[str, ViewportSize] = {"desktop": {"width": 1366, "height": 900}, "phone": PHONE}


@pytest.fixture(params=sorted(SIZES))
async def sized_page(request: pytest.FixtureRequest, browser: Browser) -> AsyncIterator[Page]:
    size = SIZES[request.param]
    context = await browser.new_context(viewport=size, locale="ru-RU", timezone_id="UTC")
    try:
        page = await context.new_page()
        page.set_default_timeout(10_000)
        yield page
    finally:
        await context.close()


async def test_every_screen_has_no_serious_violations(sized_page: Page, web: WebGateway) -> None:
    page = sized_page
    await page.goto(web.url)
    await expect(page.get_by_role("button", name="Получить код")).to_be_visible()
    await assert_no_serious_violations(page, "login by code")
    await page.get_by_role("button", name="Войти по паролю").click()
    await assert_no_serious_violations(page, "login by password")
    await page.get_by_role("button", name="Забыли пароль?").click()
    await assert_no_serious_violations(page, "password reset")

    await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
    await expect_home_of(page, web, DEMO, "Анна Смирнова")
    for screen in SCREEN_NAMES:
        await open_screen(page, screen)
        await assert_no_serious_violations(page, screen)

    await open_screen(page, "tariff")
    await page.get_by_role("button", name="Перейти на тариф «Безлимит»").click()
    dialog = page.get_by_role("dialog", name="Переход на тариф «Безлимит»")
    await expect(dialog.locator("[data-change-preview]")).to_be_visible()
    await assert_no_serious_violations(page, "tariff change dialog")
    await page.keyboard.press("Escape")

    await open_screen(page, "home")
    await page.get_by_label("Номер", exact=True).select_option("+79000000005")
    await expect_home_of(page, web, "+79000000005", "Мама")
    await assert_no_serious_violations(page, "a linked number")

    await page.get_by_role("button", name="English").click()
    for screen in SCREEN_NAMES:
        await page.locator(f"#sections [data-screen={screen}]").click()
        await assert_no_serious_violations(page, f"{screen} in English")
