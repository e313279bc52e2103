"""The home screen: balance, quotas, spending, tariff, services, offers; its look on a
desktop and on a phone; switching to a linked number."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from playwright.async_api import Page, expect

from tests.web.conftest import DEMO, DEMO_PASSWORD, PHONE, SCREENSHOTS, WebGateway
from tests.web.flows import expect_home_of, log_in_with_password, open_screen

HOME = """query($m: Msisdn!) { subscriber(msisdn: $m) {
  balance { quotas { kind remaining total unlimited } }
  tariff { monthlyFee { amount } options {
    baseFee { amount } minutes { value price { amount } } gigabytes { value price { amount } } } }
  services { id } expenses { category } offers { id activated promoCode } } }"""


async def home_data(web: WebGateway, msisdn: str) -> dict[str, Any]:
    subscriber: dict[str, Any] = (await web.read(HOME, msisdn, {"m": msisdn}))["subscriber"]
    return subscriber


async def test_home_screen_shows_what_the_api_has(page: Page, web: WebGateway) -> None:
    await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
    await expect_home_of(page, web, DEMO, "Анна Смирнова")
    data = await home_data(web, DEMO)

    quotas = page.locator("#balance [data-quota]")
    await expect(quotas).to_have_count(len(data["balance"]["quotas"]))
    sms = next(q for q in data["balance"]["quotas"] if q["kind"] == "SMS")
    assert sms["unlimited"]
    await expect(page.locator("#balance [data-quota=SMS]")).to_contain_text("Безлимит")
    await expect(page.locator("#balance [data-next-charge]")).to_contain_text("Списание")

    await expect(page.locator("#expenses [data-category]")).to_have_count(len(data["expenses"]))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SCREENSHOTS / "home-desktop.png")

    await open_screen(page, "tariff")
    connected = page.locator("#services [data-list=connected] [data-service]")
    await expect(connected).to_have_count(len(data["services"]))
    await expect(page.locator("#tariff [data-tariff-name]")).to_contain_text("Конструктор")
    await expect(page.locator("#tariff tr[aria-current=true]")).to_contain_text("Конструктор")
    await open_screen(page, "offers")
    await expect(page.locator("#offers [data-offer]")).to_have_count(len(data["offers"]))
    activated = next(o for o in data["offers"] if o["activated"])
    await expect(page.locator(f"#offers [data-offer='{activated['id']}']")).to_contain_text(
        activated["promoCode"]
    )

    await open_screen(page, "home")
    await page.set_viewport_size(PHONE)
    # Nothing wider than the phone: no sideways scrolling.
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    await page.screenshot(path=SCREENSHOTS / "home-phone.png")


async def test_tuning_the_tariff_previews_the_fee(page: Page, web: WebGateway) -> None:
    await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
    await open_screen(page, "tariff")
    options = (await home_data(web, DEMO))["tariff"]["options"]
    minutes = options["minutes"][-2]
    gigabytes = options["gigabytes"][-2]
    expected = sum(
        (Decimal(x) for x in (options["baseFee"]["amount"], minutes["price"]["amount"])),
        Decimal(gigabytes["price"]["amount"]),
    )

    await (
        page.locator("#tariff")
        .get_by_label("Минуты", exact=True)
        .select_option(str(minutes["value"]))
    )
    await (
        page.locator("#tariff")
        .get_by_label("Гигабайты", exact=True)
        .select_option(str(gigabytes["value"]))
    )
    preview = page.locator("#tariff [data-fee-preview]")
    await expect(preview).to_have_attribute("data-amount", f"{expected:.2f}")
    await expect(preview).to_contain_text("Абонентская плата составит")


async def test_comparing_tariffs_previews_the_change(page: Page, web: WebGateway) -> None:
    await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
    await open_screen(page, "tariff")
    await page.get_by_role("button", name="Перейти на тариф «Безлимит»").click()
    dialog = page.get_by_role("dialog", name="Переход на тариф «Безлимит»")
    await expect(dialog).to_be_visible()
    await expect(dialog.locator("[data-change-preview]")).to_contain_text("750,00")
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()


async def test_switching_to_a_linked_number_shows_its_data(page: Page, web: WebGateway) -> None:
    await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
    await expect_home_of(page, web, DEMO, "Анна Смирнова")

    await page.get_by_label("Номер", exact=True).select_option("+79000000005")
    await expect_home_of(page, web, "+79000000005", "Мама")
    await expect(page.get_by_text("Привязанный номер", exact=True)).to_be_visible()
    # A reload keeps the number being viewed.
    await page.reload()
    await expect_home_of(page, web, "+79000000005", "Мама")

    await page.get_by_role("button", name="Вернуться к моему номеру").click()
    await expect_home_of(page, web, DEMO, "Анна Смирнова")
    await (
        page.locator("[data-linked='+79000000006']").get_by_role("button", name="Показать").click()
    )
    await expect_home_of(page, web, "+79000000006", "Дочь")


async def test_a_screenshot_of_every_section(page: Page, web: WebGateway) -> None:
    """One picture per section for the README (TGW_SCREENSHOTS=docs/screenshots refreshes
    them); each is taken once the section's own content is on screen."""
    await log_in_with_password(page, web, DEMO, DEMO_PASSWORD)
    await expect_home_of(page, web, DEMO, "Анна Смирнова")
    shown = {
        "tariff": "#tariff tr[aria-current=true]",
        "payments": "#topup [data-payment-method]",
        "offers": "#offers [data-offer]",
        "support": "#support [data-chat-log]",
    }
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for screen, ready in shown.items():
        await open_screen(page, screen)
        await expect(page.locator(ready).first).to_be_visible()
        await page.screenshot(path=SCREENSHOTS / f"{screen}-desktop.png")
    await page.set_viewport_size(PHONE)
    await open_screen(page, "tariff")
    await page.locator("#tariff table").scroll_into_view_if_needed()
    await expect(page.locator(shown["tariff"])).to_be_visible()
    await page.screenshot(path=SCREENSHOTS / "tariff-phone.png")
