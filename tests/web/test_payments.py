"""Paying from the page: a top-up with a saved card, a wallet, a declined new card; autopay
set and cancelled. Each test has a number of its own (+790000003xx, which no other test
changes) and reads what it expects from the API, never from the data set's figures."""

from __future__ import annotations

from decimal import Decimal

from playwright.async_api import Page, expect

from tests.web.conftest import WebGateway
from tests.web.flows import expect_money, log_in_as, money_of, open_screen, subscriber

CARDS = "savedCards { id name preferred }"


async def test_top_up_with_a_saved_card_shows_the_new_balance(page: Page, web: WebGateway) -> None:
    number = "+79000000304"
    cards = (await subscriber(web, number, CARDS))["savedCards"]
    preferred = next(c for c in cards if c["preferred"])
    before = await money_of(web, number)
    await log_in_as(page, web, number)
    await open_screen(page, "payments")

    topup = page.locator("#topup")
    # The preferred saved card is the one chosen to start with.
    await expect(topup.get_by_role("radio", name=f"{preferred['name']} (основная)")).to_be_checked()
    await topup.get_by_label("Сумма, ₽", exact=True).fill("250")
    await topup.get_by_role("button", name="Пополнить", exact=True).click()

    await expect(topup.locator("[data-flash]")).to_contain_text("Счёт пополнен на 250,00")
    after = await money_of(web, number)
    assert after == before + Decimal(250)
    await expect_money(page, after)


async def test_a_declined_card_is_explained_at_the_payment_method(
    page: Page, web: WebGateway
) -> None:
    number = "+79000000311"
    assert (await subscriber(web, number, CARDS))["savedCards"]
    before = await money_of(web, number)
    await log_in_as(page, web, number)
    await open_screen(page, "payments")

    topup = page.locator("#topup")
    token = topup.get_by_label("Токен карты")
    await expect(token).to_be_hidden()  # a saved card is chosen first
    new_card = topup.get_by_role("radio", name="Новая карта")
    await new_card.check()
    # The demo's billing declines any token with "declined" in it.
    await token.fill("tok_declined_visa")
    await topup.get_by_label("Сумма, ₽", exact=True).fill("300")
    await topup.get_by_role("button", name="Пополнить", exact=True).click()

    error = topup.locator("[data-error-for=paymentMethod]")
    await expect(error).to_have_text("Банк отклонил платёж. Выберите другой способ оплаты.")
    await expect(new_card).to_have_attribute("aria-invalid", "true")
    await expect(new_card).to_be_focused()
    error_id = await error.get_attribute("id")
    assert error_id is not None
    assert error_id in (await new_card.get_attribute("aria-describedby") or "")
    # Nothing was charged: the page and the API both still have the old balance.
    await expect_money(page, before)
    assert await money_of(web, number) == before


async def test_top_up_with_google_pay(page: Page, web: WebGateway) -> None:
    number = "+79000000305"
    assert (await subscriber(web, number, CARDS))["savedCards"] == []
    before = await money_of(web, number)
    await log_in_as(page, web, number)
    await open_screen(page, "payments")

    topup = page.locator("#topup")
    # No saved card: the new card is the choice, its token field shown.
    await expect(topup.get_by_role("radio", name="Новая карта")).to_be_checked()
    await expect(topup.get_by_label("Токен карты")).to_be_visible()
    await topup.get_by_role("button", name="500,00 ₽").click()
    await expect(topup.get_by_label("Сумма, ₽", exact=True)).to_have_value("500")
    # The wallet needs no card: its own button pays with its (demo) token.
    await topup.get_by_role("button", name="Google Pay").click()

    await expect(topup.locator("[data-flash]")).to_contain_text("Счёт пополнен на 500,00")
    after = await money_of(web, number)
    assert after == before + Decimal(500)
    await expect_money(page, after)


async def test_set_autopay_below_an_amount_then_cancel_it(page: Page, web: WebGateway) -> None:
    number = "+79000000324"
    found = await subscriber(web, number, f"autopay {{ id }} {CARDS}")
    assert found["autopay"] is None
    assert found["savedCards"]  # paid with the preferred one, chosen to start with
    await log_in_as(page, web, number)
    await open_screen(page, "payments")

    autopay = page.locator("#autopay")
    await expect(autopay.locator("[data-autopay=none]")).to_have_text("Автоплатёж не подключён.")
    below = autopay.get_by_label("Пополнять, когда на счёте меньше, ₽")
    await expect(below).to_be_hidden()
    await autopay.get_by_role("radio", name="Когда баланс ниже суммы").check()
    await below.fill("150")
    await autopay.get_by_label("Сумма пополнения, ₽").fill("400")
    await autopay.get_by_role("button", name="Сохранить автоплатёж").click()

    await expect(autopay.locator("[data-flash]")).to_have_text("Автоплатёж подключён.")
    fields = "autopay { monthly amount { amount } belowAmount { amount } paymentMethod }"
    set_up = (await subscriber(web, number, fields))["autopay"]
    assert set_up["monthly"] is False
    assert Decimal(set_up["amount"]["amount"]) == 400
    assert Decimal(set_up["belowAmount"]["amount"]) == 150
    shown = autopay.locator("[data-autopay=below]")
    await expect(shown).to_contain_text("400,00")
    await expect(shown).to_contain_text("150,00")
    if set_up["paymentMethod"]:
        await expect(autopay).to_contain_text(set_up["paymentMethod"])

    await autopay.get_by_role("button", name="Отключить автоплатёж").click()
    await expect(autopay.locator("[data-flash]")).to_have_text("Автоплатёж отключён.")
    await expect(autopay.locator("[data-autopay=none]")).to_be_visible()
    assert (await subscriber(web, number, "autopay { id }"))["autopay"] is None
