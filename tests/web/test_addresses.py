"""Issue 24 as a subscriber walks it: every screen and number has an address (Back, Forward,
reload, a link opened before logging in), the compared current tariff is the subscriber's,
a bought package shows in spending, and the code button counts down. Numbers
+79000000352..355 are this file's."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

from playwright.async_api import Page, expect

from tests.web.conftest import DEMO, DEMO_PASSWORD, WebGateway
from tests.web.flows import (
    SCREEN_NAMES,
    buy_package,
    cheapest_package,
    expect_home_of,
    log_in_as,
    log_in_with_password,
    open_screen,
    subscriber,
)

# A card every screen shows first, to know which screen is on.
FIRST_CARD = {
    "home": "#balance",
    "tariff": "#tariff",
    "payments": "#balance",
    "offers": "#offers",
    "support": "#support",
}
ONLY_ON = {"home": "#expenses", "tariff": "#packages", "payments": "#topup"}


def address(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


async def expect_screen(page: Page, screen: str) -> None:
    nav = page.get_by_role("navigation", name="Разделы")
    current = nav.get_by_role("link", name=SCREEN_NAMES[screen], exact=True)
    await expect(current).to_have_attribute("aria-current", "page")
    await expect(page.locator(FIRST_CARD[screen])).to_be_visible()
    for other, card in ONLY_ON.items():
        await expect(page.locator(card)).to_have_count(1 if other == screen else 0)
    assert address(page).get("screen", ["home"]) == [screen], page.url


async def test_back_forward_and_reload_on_every_screen(page: Page, web: WebGateway) -> None:
    await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
    await expect_home_of(page, web, DEMO, "Анна Смирнова")
    order = ["tariff", "payments", "offers", "support", "home"]
    for screen in order:
        await open_screen(page, screen)
        await expect_screen(page, screen)
        # A reload shows the same screen.
        await page.reload()
        await expect_screen(page, screen)

    # Back walks the screens in reverse, Forward again, never leaving the cabinet.
    visited = ["home", *order]
    for screen in reversed(visited[:-1]):
        await page.go_back()
        await expect_screen(page, screen)
    for screen in visited[1:]:
        await page.go_forward()
        await expect_screen(page, screen)


async def test_a_linked_number_has_an_address(page: Page, web: WebGateway) -> None:
    await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
    await expect_home_of(page, web, DEMO, "Анна Смирнова")
    await open_screen(page, "tariff")
    await open_screen(page, "home")
    await (
        page.locator("[data-linked='+79000000006']").get_by_role("button", name="Показать").click()
    )
    await expect_home_of(page, web, "+79000000006", "Дочь")
    assert address(page)["number"] == ["+79000000006"], page.url
    await open_screen(page, "tariff")
    assert address(page)["number"] == ["+79000000006"], page.url

    await page.reload()
    await expect(page.locator("h1[data-viewing]")).to_have_attribute("data-viewing", "+79000000006")
    await expect_screen(page, "tariff")
    # Back: the linked number's home, then the owner's screens.
    await page.go_back()
    await expect_home_of(page, web, "+79000000006", "Дочь")
    await page.go_back()
    await expect_home_of(page, web, DEMO, "Анна Смирнова")
    await expect_screen(page, "home")
    await page.go_back()
    await expect_screen(page, "tariff")
    await page.go_forward()
    await page.go_forward()
    await expect_home_of(page, web, "+79000000006", "Дочь")


async def test_a_link_to_a_screen_opens_it_after_logging_in(page: Page, web: WebGateway) -> None:
    await page.goto(f"{web.url}/?screen=payments")
    await page.get_by_role("button", name="Войти по паролю").click()
    await page.get_by_label("Номер телефона").fill(DEMO)
    await page.get_by_label("Пароль").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Войти", exact=True).click()
    await expect_home_of(page, web, DEMO, "Анна Смирнова")
    await expect_screen(page, "payments")


def allowance(tariff: dict[str, object], kind: str) -> float:
    allowances = tariff["allowances"]
    assert isinstance(allowances, list)
    return float(next(a["amount"] for a in allowances if a["kind"] == kind))


async def test_the_compared_current_tariff_is_the_subscribers(page: Page, web: WebGateway) -> None:
    mine = (
        await subscriber(
            web, DEMO, "tariff { id monthlyFee { amount } allowances { kind amount unit } }"
        )
    )["tariff"]
    catalog = (await web.read("{ tariffs { id monthlyFee { amount } } }", DEMO))["tariffs"]
    base = next(t for t in catalog if t["id"] == mine["id"])
    # The data set tunes the demo's Конструктор away from the catalogue's base offer.
    assert base["monthlyFee"] != mine["monthlyFee"]
    await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
    await open_screen(page, "tariff")

    card = page.locator("#tariff [data-tariff-name]")
    row = page.locator("#tariff tr[aria-current=true]")
    fee = f"{Decimal(mine['monthlyFee']['amount']):.2f}".replace(".", ",")
    await expect(card).to_contain_text(fee)
    await expect(row.locator("[data-col=fee]")).to_contain_text(fee)
    gb, minutes = allowance(mine, "DATA"), allowance(mine, "VOICE")
    await expect(row.locator("[data-col=DATA]")).to_have_text(re.compile(rf"^{gb:g}\s+ГБ$"))
    await expect(row.locator("[data-col=VOICE]")).to_have_text(re.compile(rf"^{minutes:g}\s+мин$"))


async def test_a_bought_package_shows_in_spending(page: Page, web: WebGateway) -> None:
    number = "+79000000352"
    cheapest = await cheapest_package(web, number)
    spending = "expenses { category amount { amount } }"
    before = {
        e["category"]: Decimal(e["amount"]["amount"])
        for e in (await subscriber(web, number, spending))["expenses"]
    }
    await log_in_as(page, web, number)
    await buy_package(page, cheapest)
    await open_screen(page, "home")
    expected = before.get("data", Decimal(0)) + Decimal(cheapest["price"]["amount"])
    await expect(page.locator("#expenses [data-category=data]")).to_have_attribute(
        "data-amount", f"{expected:.2f}"
    )


async def test_the_code_button_counts_down(page: Page, web: WebGateway) -> None:
    number = "+79000000353"
    await page.goto(web.url)
    await page.get_by_label("Номер телефона").fill(number)
    await page.get_by_role("button", name="Получить код").click()
    await expect(page.get_by_label("Код из SMS")).to_be_focused()
    resend = page.get_by_role("button", name="Отправить код ещё раз")
    await expect(resend).to_be_disabled()
    countdown = page.locator("[data-countdown]")
    await expect(countdown).to_have_text(re.compile(r"^Повторно через [01]:\d{2}$"))
    shown = await countdown.text_content()
    await expect(countdown).not_to_have_text(shown or "")  # it counts

    # Back to the number: the gateway would refuse a new code yet, and the button says so.
    await page.get_by_role("button", name="Изменить номер").click()
    get_code = page.get_by_role("button", name="Получить код")
    await expect(get_code).to_be_disabled()
    await expect(page.locator("[data-countdown]")).to_have_text(
        re.compile(r"^Повторно через [01]:\d{2}$")
    )
    described = await get_code.get_attribute("aria-describedby")
    assert described
    assert await page.locator(f"#{described}").count() == 1


async def test_top_up_from_the_balance_opens_payments(page: Page, web: WebGateway) -> None:
    await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
    await expect_home_of(page, web, DEMO, "Анна Смирнова")
    await page.locator("#balance").get_by_role("link", name="Пополнить").click()
    await expect_screen(page, "payments")
    await expect(page.locator("#topup").get_by_label("Сумма, ₽", exact=True)).to_be_focused()
    await page.go_back()
    await expect_screen(page, "home")
