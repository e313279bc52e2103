"""Logging in on the page: by the SMS code (read off the simulated SMS inbox, as a person
reads their phone) or by password; logging out; the language switch."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.web.conftest import DEMO, DEMO_PASSWORD, WebGateway
from tests.web.flows import expect_home_of, log_in_with_password


async def test_log_in_by_sms_code(page: Page, web: WebGateway) -> None:
    await page.goto(web.url)
    await expect(page.get_by_role("heading", name="Вход в личный кабинет")).to_be_visible()
    await page.get_by_label("Номер телефона").fill("8 900 000-00-01")
    await page.get_by_role("button", name="Получить код").click()
    await expect(page.get_by_text("Код отправлен на номер +7 900 000-00-01.")).to_be_visible()
    # The demo links its SMS inbox for the number as typed, normalised.
    inbox = page.get_by_role("link", name="Открыть входящие SMS (демо)")
    await expect(inbox).to_have_attribute("href", web.inbox(DEMO))

    await page.get_by_label("Код из SMS").fill(await web.last_code(DEMO))
    await page.get_by_role("button", name="Войти", exact=True).click()
    await expect_home_of(page, web, DEMO, "Анна Смирнова")


async def test_a_wrong_code_is_explained_at_the_field(page: Page, web: WebGateway) -> None:
    await page.goto(web.url)
    # Keyboard only: the number field has the focus, Enter submits each step.
    await expect(page.get_by_label("Номер телефона")).to_be_focused()
    await page.keyboard.type("+7 (900) 000-00-01")
    await page.keyboard.press("Enter")
    code_field = page.get_by_label("Код из SMS")
    await expect(code_field).to_be_focused()
    code = await web.last_code(DEMO)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    await page.keyboard.type(wrong)
    await page.keyboard.press("Enter")

    await expect(code_field).to_have_attribute("aria-invalid", "true")
    error = page.locator("[data-error-for=code]")
    await expect(error).to_have_text("Неверный код. Осталось попыток: 4.")
    # The error is read out with the field.
    error_id = await error.get_attribute("id")
    assert error_id is not None
    assert error_id in (await code_field.get_attribute("aria-describedby") or "")

    await code_field.fill(code)
    await page.keyboard.press("Enter")
    await expect_home_of(page, web, DEMO, "Анна Смирнова")


async def test_log_in_with_password_and_log_out(page: Page, web: WebGateway) -> None:
    await log_in_with_password(page, web, "8 900 000 00 01", DEMO_PASSWORD)
    await expect_home_of(page, web, DEMO, "Анна Смирнова")
    session = await page.evaluate("sessionStorage.getItem('tgw.session')")
    assert session is not None
    assert "refreshToken" in session

    await page.get_by_role("button", name="Выйти").click()
    await expect(page.get_by_text("Вы вышли из личного кабинета.")).to_be_visible()
    assert await page.evaluate("sessionStorage.getItem('tgw.session')") is None
    await page.reload()
    await expect(page.get_by_role("heading", name="Вход в личный кабинет")).to_be_visible()


async def test_a_wrong_password_is_explained(page: Page, web: WebGateway) -> None:
    await log_in_with_password(page, web, DEMO, "not-the-password")
    await expect(page.locator("[data-error-for=password]")).to_have_text(
        "Неверный номер или пароль."
    )
    await expect(page.get_by_label("Пароль")).to_be_focused()


async def test_english_is_remembered(page: Page, web: WebGateway) -> None:
    await page.goto(web.url)
    await page.get_by_role("button", name="Switch to English").click()
    await expect(page.get_by_role("heading", name="Log in to your account")).to_be_visible()
    await page.reload()
    await expect(page.get_by_role("heading", name="Log in to your account")).to_be_visible()
    await expect(page.locator("html")).to_have_attribute("lang", "en")

    await log_in_with_code_en(page, web)
    await expect(page.get_by_role("heading", name="Balance")).to_be_visible()
    await page.get_by_role("button", name="Переключить на русский").click()
    await expect(page.get_by_role("heading", name="Баланс")).to_be_visible()


async def log_in_with_code_en(page: Page, web: WebGateway) -> None:
    await page.get_by_label("Phone number").fill(DEMO)
    await page.get_by_role("button", name="Get a code").click()
    code_field = page.get_by_label("Code from the SMS")
    await expect(code_field).to_be_focused()  # the code is sent by now
    await code_field.fill(await web.last_code(DEMO))
    await page.get_by_role("button", name="Log in", exact=True).click()
