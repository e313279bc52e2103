"""A backend down hides only its own section: with loyalty down the offers say they are
unavailable and everything else renders; with billing down no raw text key shows, the stale
balance says when it was read, and the saved cards stay (numbers +79000000350..351)."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.web.conftest import DEMO, DEMO_PASSWORD, WebGateway, WebGatewayFactory
from tests.web.flows import expect_home_of, log_in_as, log_in_with_password, open_screen, subscriber


async def test_offers_outage_shows_a_notice_and_the_rest(page: Page, web: WebGateway) -> None:
    loyalty = web.admins["loyalty"]
    await loyalty.faults(down=True)
    try:
        await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
        await expect_home_of(page, web, DEMO, "Анна Смирнова")
        # The sections other backends feed are all there.
        await expect(page.locator("#expenses [data-category]").first).to_be_visible()
        await expect(page.locator("#numbers [data-linked]")).to_have_count(2)
        await open_screen(page, "tariff")
        await expect(page.locator("#tariff [data-tariff-name]")).to_contain_text("Конструктор")
        await expect(page.locator("#services [data-service]").first).to_be_visible()
        await open_screen(page, "offers")
        offers = page.locator("#offers")
        await expect(offers.locator("[data-notice]")).to_have_text(
            "Предложения партнёров временно недоступны"
        )
        await expect(offers.locator("[data-offer]")).to_have_count(0)
    finally:
        await loyalty.clear_faults()

    # Back up: the next screen has the offers again.
    await page.reload()
    await expect(page.locator("#offers [data-offer]").first).to_be_visible()
    await expect(page.locator("#offers [data-notice]")).to_have_count(0)


# A moment as the page writes it: «6 декабря 2026 г. в 12:19».
STALE = re.compile(r"^Данные могли устареть: обновлены \d{1,2} \S+ \d{4} г\. в \d{2}:\d{2}\.$")


async def test_billing_down_shows_sentences_the_stale_time_and_the_saved_cards(
    page: Page, start_web: WebGatewayFactory
) -> None:
    # A balance is fresh for a millisecond and no whole answer is kept: the reload asks
    # billing, which is down, and gets the kept balance as stale.
    async with start_web(balance_ttl=0.001, answer_ttl=0) as web:
        await billing_down_flow(page, web)


async def billing_down_flow(page: Page, web: WebGateway) -> None:
    number = "+79000000350"
    cards = (await subscriber(web, number, "savedCards { id name }"))["savedCards"]
    assert cards, f"{number} has saved cards in the data set"
    await log_in_as(page, web, number)
    await open_screen(page, "payments")
    card = page.locator("#topup").get_by_role("radio", name=re.compile(re.escape(cards[0]["name"])))
    await expect(card).to_be_visible()

    billing = web.admins["billing"]
    await billing.faults(down=True)
    try:
        await page.reload()
        await expect(page.locator("#balance [data-stale]")).to_have_text(STALE)
        # The cards billing cannot list now are the ones seen a moment ago.
        await expect(card).to_be_visible()
        # Paying fails, in a sentence naming the system, never a text key.
        topup = page.locator("#topup")
        await topup.get_by_label("Сумма, ₽", exact=True).fill("100")
        await topup.get_by_role("button", name="Пополнить", exact=True).click()
        await expect(topup.locator("[data-form-error]")).to_have_text(
            re.compile(r"^Не отвечает [^.]+\. Попробуйте позже\.$")
        )
        text = await page.locator("body").inner_text()
        assert "backend." not in text, text
        assert ".." not in text, text
        await open_screen(page, "home")
        text = await page.locator("body").inner_text()
        assert "backend." not in text, text
        assert ".." not in text, text
    finally:
        await billing.clear_faults()
