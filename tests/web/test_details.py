"""The smaller things of issue 24: the top-up range said and checked, a success notice
gone with the next error, a package's bar named after it, the tariff comparison within a
phone's width. Numbers +79000000357..358 are this file's."""

from __future__ import annotations

from decimal import Decimal

from playwright.async_api import Page, expect

from tests.web.conftest import DEMO, DEMO_PASSWORD, PHONE, WebGateway
from tests.web.flows import (
    buy_package,
    cheapest_package,
    expect_money,
    log_in_as,
    log_in_with_password,
    money_of,
    open_screen,
)

RANGE = "Сумма — от 10,00\u00a0₽ до 15\u00a0000,00\u00a0₽."


async def test_the_top_up_range_is_said_and_a_success_notice_goes_with_the_next_error(
    page: Page, web: WebGateway
) -> None:
    number = "+79000000357"
    before = await money_of(web, number)
    await log_in_as(page, web, number)
    await open_screen(page, "payments")
    topup = page.locator("#topup")
    amount = topup.get_by_label("Сумма, ₽", exact=True)
    # The range is said before anyone types.
    await expect(topup.locator(".field .muted").first).to_have_text(RANGE)

    new_card = topup.get_by_role("radio", name="Новая карта")
    await new_card.check()
    await topup.get_by_label("Токен карты").fill("tok_visa_357")
    await amount.fill("250")
    await topup.get_by_role("button", name="Пополнить", exact=True).click()
    flash = topup.locator("[data-flash]")
    await expect(flash).to_contain_text("Счёт пополнен на 250,00")
    await expect_money(page, before + Decimal(250))

    # A million is a well-formed amount, refused for its size with the range.
    await amount.fill("1 000 000")
    await topup.get_by_role("button", name="Пополнить", exact=True).click()
    await expect(topup.locator("[data-error-for=amount]")).to_have_text(RANGE)
    await expect(flash).to_have_count(0)
    await expect(amount).to_be_focused()
    assert await money_of(web, number) == before + Decimal(250)


async def test_a_bought_package_has_a_bar_of_its_own_name(page: Page, web: WebGateway) -> None:
    number = "+79000000358"
    cheapest = await cheapest_package(web, number)
    await log_in_as(page, web, number)
    await buy_package(page, cheapest)
    await open_screen(page, "home")
    bar = page.locator(f"#balance [data-package='{cheapest['name']}']")
    await expect(bar.locator(".bar__label span").first).to_have_text(f"Пакет «{cheapest['name']}»")
    # The tariff's own bar keeps its plain name.
    plain = page.locator("#balance [data-quota=DATA]:not([data-package])")
    await expect(plain.locator(".bar__label span").first).to_have_text("Интернет")


async def test_the_comparison_fits_a_phone(page: Page, web: WebGateway) -> None:
    await page.set_viewport_size(PHONE)
    await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
    await open_screen(page, "tariff")
    table = page.get_by_role("table", name="Сравнить тарифы")
    await expect(table).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    # Every «Перейти» lies within the screen's width.
    buttons = table.get_by_role("button", name="Перейти на тариф", exact=False)
    assert await buttons.count() > 0
    for i in range(await buttons.count()):
        box = await buttons.nth(i).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"], box
    # Still a table to a screen reader: rows of cells under their column headers.
    await expect(table.get_by_role("columnheader", name="Интернет")).to_have_count(1)
    await expect(table.get_by_role("row")).to_have_count(1 + await buttons.count() + 1)
