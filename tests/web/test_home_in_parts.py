"""The home screen's data in parts: with loyalty holding its answers, the screens are drawn
at once with the offers as a skeleton (busy, grey lines), and the offers fill in, in place,
when loyalty answers; a deferred part that fails says so in its section only."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.web.conftest import DEMO, DEMO_PASSWORD, WebGatewayFactory
from tests.web.flows import expect_home_of, log_in_with_password, open_screen


async def test_offers_fill_in_after_the_screen_is_shown(
    page: Page, start_web: WebGatewayFactory
) -> None:
    async with start_web(loyalty_timeout=60, request_deadline=120) as web:
        loyalty = web.admins["loyalty"]
        await loyalty.faults(hang=True)
        try:
            await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
            # The screen is there while loyalty has not answered anything yet.
            await expect_home_of(page, web, DEMO, "Анна Смирнова")
            await expect(page.locator("#expenses [data-category]").first).to_be_visible()
            await open_screen(page, "offers")
            offers = page.locator("#offers")
            await expect(offers).to_have_attribute("data-skeleton", "")
            await expect(offers).to_have_attribute("aria-busy", "true")
            await expect(offers.locator(".skeleton").first).to_be_visible()
        finally:
            await loyalty.faults(hang=False)
        await expect(offers.locator("[data-offer]").first).to_be_visible()
        await expect(offers).not_to_have_attribute("data-skeleton", "")
        await expect(offers).not_to_have_attribute("aria-busy", "true")


async def test_a_failed_deferred_part_says_so_in_its_section(
    page: Page, start_web: WebGatewayFactory
) -> None:
    async with start_web() as web:
        await web.admins["loyalty"].faults(down=True)
        await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
        await expect_home_of(page, web, DEMO, "Анна Смирнова")
        await expect(page.locator("#expenses [data-category]").first).to_be_visible()
        await open_screen(page, "offers")
        offers = page.locator("#offers")
        await expect(offers.locator("[data-notice]")).to_contain_text("недоступн")
        await expect(offers).not_to_have_attribute("data-skeleton", "")


async def test_an_actions_notice_stays_when_its_deferred_section_is_drawn_again(
    page: Page, start_web: WebGatewayFactory
) -> None:
    # The demo subscriber is a loyalty member: an activation needs no e-mail.
    async with start_web() as web:
        await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
        await expect_home_of(page, web, DEMO, "Анна Смирнова")
        await open_screen(page, "offers")
        offers = page.locator("#offers")
        offer = offers.locator("[data-offer]").filter(
            has=page.get_by_role("button", name="Активировать")
        )
        await expect(offer.first).to_be_visible()
        # Loyalty slow from here: after the activation the screen is drawn again with the
        # offers as a skeleton (the notice shown on it), and again when their part comes.
        await web.admins["loyalty"].faults(latency_ms=600)
        await offer.first.get_by_role("button", name="Активировать").click()
        await expect(offers).to_have_attribute("data-skeleton", "")
        await expect(offers.locator("[data-offer]").first).to_be_visible()
        await expect(offers.locator("[data-flash]")).to_contain_text("Промокод:")
