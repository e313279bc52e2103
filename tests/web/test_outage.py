"""A backend down hides only its own section: with loyalty down the offers say they are
unavailable and everything else renders."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.web.conftest import DEMO, DEMO_PASSWORD, WebGateway
from tests.web.flows import expect_home_of, log_in_with_password


async def test_offers_outage_shows_a_notice_and_the_rest(page: Page, web: WebGateway) -> None:
    loyalty = web.admins["loyalty"]
    await loyalty.faults(down=True)
    try:
        await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
        await expect_home_of(page, web, DEMO, "Анна Смирнова")
        offers = page.locator("#offers")
        await expect(offers.locator("[data-notice]")).to_have_text(
            "Предложения партнёров временно недоступны"
        )
        await expect(offers.locator("[data-offer]")).to_have_count(0)
        # The sections other backends feed are all there.
        await expect(page.locator("#tariff [data-tariff-name]")).to_contain_text("Конструктор")
        await expect(page.locator("#services [data-service]").first).to_be_visible()
        await expect(page.locator("#expenses [data-category]").first).to_be_visible()
        await expect(page.locator("#numbers [data-linked]")).to_have_count(2)
    finally:
        await loyalty.clear_faults()

    # Back up: the next screen has the offers again.
    await page.reload()
    await expect(page.locator("#offers [data-offer]").first).to_be_visible()
    await expect(page.locator("#offers [data-notice]")).to_have_count(0)
