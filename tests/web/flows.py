"""What a person does on the page, step by step, for the tests to reuse."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from playwright.async_api import Page, expect

from tests.web.conftest import WebGateway

BALANCE = "query($m: Msisdn!) { subscriber(msisdn: $m) { name balance { money { amount } } } }"


async def log_in_with_code(page: Page, web: WebGateway, msisdn: str, typed: str) -> None:
    """Types the number as people do (`typed`), reads the code off the SMS inbox."""
    await page.goto(web.url)
    await page.get_by_label("Номер телефона").fill(typed)
    await page.get_by_role("button", name="Получить код").click()
    code_field = page.get_by_label("Код из SMS")
    await expect(code_field).to_be_focused()
    await code_field.fill(await web.last_code(msisdn))
    await page.get_by_role("button", name="Войти", exact=True).click()


async def log_in_with_password(page: Page, web: WebGateway, msisdn: str, password: str) -> None:
    await page.goto(web.url)
    await page.get_by_role("button", name="Войти по паролю").click()
    await page.get_by_label("Номер телефона").fill(msisdn)
    await page.get_by_label("Пароль").fill(password)
    await page.get_by_role("button", name="Войти", exact=True).click()


async def balance_of(web: WebGateway, msisdn: str) -> dict[str, Any]:
    """The subscriber's name and balance as the API answers them now."""
    data = await web.read(BALANCE, msisdn, {"m": msisdn})
    subscriber: dict[str, Any] = data["subscriber"]
    return subscriber


async def expect_home_of(page: Page, web: WebGateway, msisdn: str, heading: str) -> None:
    """The home screen shows `msisdn`: its heading and the balance the API has for it."""
    await expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    await expect(page.locator("h1[data-viewing]")).to_have_attribute("data-viewing", msisdn)
    expected = (await balance_of(web, msisdn))["balance"]["money"]["amount"]
    await expect(page.locator("#balance [data-amount]")).to_have_attribute("data-amount", expected)


SCREEN_NAMES = {
    "home": "Главная",
    "tariff": "Тариф и услуги",
    "payments": "Платежи",
    "offers": "Предложения",
    "support": "Поддержка",
}


async def open_screen(page: Page, screen: str) -> None:
    """Opens a section of the cabinet from its navigation, as a person taps it."""
    nav = page.get_by_role("navigation", name="Разделы")
    link = nav.get_by_role("link", name=SCREEN_NAMES[screen], exact=True)
    await link.click()
    await expect(link).to_have_attribute("aria-current", "page")


def password_of(msisdn: str) -> str:
    """The data set's password of a number other than the demo's."""
    return f"pass-{msisdn[-4:]}"


async def subscriber(web: WebGateway, msisdn: str, selection: str) -> dict[str, Any]:
    """`subscriber(msisdn) { <selection> }` as the API answers it now, asked as `msisdn`."""
    query = f"query($m: Msisdn!) {{ subscriber(msisdn: $m) {{ {selection} }} }}"
    found: dict[str, Any] = (await web.read(query, msisdn, {"m": msisdn}))["subscriber"]
    return found


async def money_of(web: WebGateway, msisdn: str) -> Decimal:
    found = await subscriber(web, msisdn, "balance { money { amount } }")
    return Decimal(found["balance"]["money"]["amount"])


async def log_in_as(page: Page, web: WebGateway, msisdn: str) -> str:
    """Logs in with the data set's password and waits for the home screen; the name."""
    await log_in_with_password(page, web, msisdn, password_of(msisdn))
    name: str = (await subscriber(web, msisdn, "name"))["name"]
    await expect_home_of(page, web, msisdn, name)
    return name


async def expect_money(page: Page, amount: Decimal) -> None:
    """The balance card shows `amount` (as the API writes it: two decimals)."""
    shown = page.locator("#balance [data-amount]")
    await expect(shown).to_have_attribute("data-amount", f"{amount:.2f}")


def js_number(value: float) -> str:
    """A number as the page's String(n) writes it: 17 for 17.0, 15.15 for 15.15."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


async def cheapest_package(web: WebGateway, msisdn: str) -> dict[str, Any]:
    """The package with the lowest price, as the API lists them to `msisdn`."""
    packages = (await web.read("{ packages { id name price { amount } } }", msisdn))["packages"]
    cheapest: dict[str, Any] = min(packages, key=lambda p: Decimal(p["price"]["amount"]))
    return cheapest


async def buy_package(page: Page, package: dict[str, Any]) -> None:
    """On the tariff screen: buy `package`, and see it said to be added."""
    await open_screen(page, "tariff")
    await page.get_by_role(
        "button", name=f"Купить пакет «{package['name']}» за", exact=False
    ).click()
    await expect(page.locator("#packages [data-flash]")).to_have_text(
        f"Пакет «{package['name']}» добавлен."
    )
