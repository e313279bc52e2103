"""The permanent password on the page: changed on the home screen, set there with a texted
code, and reset from the login screen when forgotten (issue 24). Numbers +79000000354..356
are this file's: their passwords change here."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.web.conftest import WebGateway
from tests.web.flows import expect_home_of, log_in_as, log_in_with_password, password_of


async def log_out(page: Page) -> None:
    await page.get_by_role("button", name="Выйти").click()
    await expect(page.get_by_role("heading", name="Вход в личный кабинет")).to_be_visible()


async def test_change_the_password(page: Page, web: WebGateway) -> None:
    number = "+79000000354"
    name = await log_in_as(page, web, number)
    section = page.locator("#password")
    change = section.get_by_role("form", name="Изменить пароль")
    await change.get_by_label("Текущий пароль").fill("not-the-password")
    await change.get_by_label("Новый пароль", exact=True).fill("changed-354-pw")
    await change.get_by_label("Новый пароль ещё раз").fill("changed-354-pw")
    await change.get_by_role("button", name="Изменить пароль").click()
    await expect(change.locator("[data-error-for=currentPassword]")).to_have_text(
        "Неверный номер или пароль."
    )
    await change.get_by_label("Текущий пароль").fill(password_of(number))
    await change.get_by_label("Новый пароль", exact=True).fill("short")
    await change.get_by_label("Новый пароль ещё раз").fill("short")
    await change.get_by_role("button", name="Изменить пароль").click()
    await expect(change.locator("[data-error-for=newPassword]")).to_contain_text(
        "не короче 8 символов"
    )
    await change.get_by_label("Текущий пароль").fill(password_of(number))
    await change.get_by_label("Новый пароль", exact=True).fill("changed-354-pw")
    await change.get_by_label("Новый пароль ещё раз").fill("changed-354-pw")
    await change.get_by_role("button", name="Изменить пароль").click()
    await expect(section.locator("[data-password-done]")).to_have_text("Пароль изменён.")

    await log_out(page)
    await log_in_with_password(page, web, number, "changed-354-pw")
    await expect_home_of(page, web, number, name)


async def test_set_the_password_with_a_texted_code(page: Page, web: WebGateway) -> None:
    number = "+79000000355"
    name = await log_in_as(page, web, number)
    section = page.locator("#password")
    await section.get_by_role("button", name="Получить код").click()
    save = section.get_by_role("form", name="Сохранить пароль")
    await expect(save.get_by_label("Код из SMS")).to_be_focused()
    await save.get_by_label("Код из SMS").fill(await web.last_code(number))
    await save.get_by_label("Новый пароль", exact=True).fill("set-355-by-code")
    await save.get_by_label("Новый пароль ещё раз").fill("set-355-by-cod")
    await save.get_by_role("button", name="Сохранить пароль").click()
    await expect(save.locator("[data-error-for=repeatPassword]")).to_have_text(
        "Пароли не совпадают."
    )
    await save.get_by_label("Новый пароль ещё раз").fill("set-355-by-code")
    await save.get_by_role("button", name="Сохранить пароль").click()
    await expect(section.locator("[data-password-done]")).to_have_text("Пароль сохранён.")

    await log_out(page)
    await log_in_with_password(page, web, number, "set-355-by-code")
    await expect_home_of(page, web, number, name)


async def test_reset_a_forgotten_password_from_the_login(page: Page, web: WebGateway) -> None:
    number = "+79000000356"
    await page.goto(web.url)
    await page.get_by_role("button", name="Войти по паролю").click()
    await page.get_by_role("button", name="Забыли пароль?").click()
    reset = page.get_by_role("form", name="Новый пароль по коду из SMS")
    await reset.get_by_label("Номер телефона").fill(number)
    await reset.get_by_role("button", name="Получить код").click()
    await expect(reset.get_by_label("Код из SMS")).to_be_focused()
    await reset.get_by_label("Код из SMS").fill(await web.last_code(number))
    await reset.get_by_label("Новый пароль", exact=True).fill("reset-356-pw")
    await reset.get_by_label("Новый пароль ещё раз").fill("reset-356-pw")
    await reset.get_by_role("button", name="Сохранить пароль и войти").click()
    name = (await web.read("{ me { name } }", number))["me"]["name"]
    await expect_home_of(page, web, number, name)

    await log_out(page)
    await log_in_with_password(page, web, number, "reset-356-pw")
    await expect_home_of(page, web, number, name)
