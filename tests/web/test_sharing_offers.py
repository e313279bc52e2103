"""Sharing gigabytes, activating a partner offer the first time (the e-mail is asked for),
and ordering a statement by e-mail. Each test has numbers of its own (+790000003xx) and
reads what it expects from the API (the support chat: test_support.py)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.web.conftest import WebGateway
from tests.web.flows import js_number, log_in_as, open_screen, subscriber

QUOTAS = "balance { quotas { kind remaining unlimited } }"


def data_quota(found: dict[str, Any]) -> float:
    """The one finite DATA quota of a number without packages or gifts."""
    data = [q for q in found["balance"]["quotas"] if q["kind"] == "DATA"]
    assert len(data) == 1, data
    assert not data[0]["unlimited"]
    remaining: float = data[0]["remaining"]
    return remaining


def data_left(found: dict[str, Any]) -> float:
    """Every finite GB left: gigabytes given to a number arrive as a quota of their own."""
    quotas = found["balance"]["quotas"]
    return float(sum(q["remaining"] for q in quotas if q["kind"] == "DATA" and not q["unlimited"]))


async def test_share_gigabytes_with_another_number(page: Page, web: WebGateway) -> None:
    sender, receiver = "+79000000309", "+79000000314"
    given = data_quota(await subscriber(web, sender, QUOTAS))
    received = data_left(await subscriber(web, receiver, QUOTAS))
    assert given > 2
    await log_in_as(page, web, sender)

    share = page.locator("#share")
    await share.get_by_label("Номер получателя").fill("8 900 000-03-14")
    await share.get_by_label("Сколько ГБ (от 1 до 30)").fill("2")
    await share.get_by_role("button", name="Поделиться").click()

    await expect(share.locator("[data-flash]")).to_have_text(
        "Отправлено 2 ГБ на номер +7 900 000-03-14."
    )
    left = data_quota(await subscriber(web, sender, QUOTAS))
    assert left == pytest.approx(given - 2)
    assert data_left(await subscriber(web, receiver, QUOTAS)) == pytest.approx(received + 2)
    # The sender's screen shows what the API says is left.
    await expect(page.locator("#balance [data-quota=DATA]")).to_have_attribute(
        "data-remaining", js_number(left)
    )


async def test_sharing_more_than_is_left_is_explained_at_the_field(
    page: Page, web: WebGateway
) -> None:
    sender = "+79000000309"  # shares 2 GB above; whatever is left, 30 GB is more
    left = data_quota(await subscriber(web, sender, QUOTAS))
    assert left < 30
    await log_in_as(page, web, sender)

    share = page.locator("#share")
    await share.get_by_label("Номер получателя").fill("+79000000314")
    gigabytes = share.get_by_label("Сколько ГБ (от 1 до 30)")
    await gigabytes.fill("30")
    await share.get_by_role("button", name="Поделиться").click()
    await expect(share.locator("[data-error-for=gigabytes]")).to_have_text(
        "Столько гигабайтов в пакете не осталось."
    )
    await expect(gigabytes).to_have_attribute("aria-invalid", "true")
    assert data_quota(await subscriber(web, sender, QUOTAS)) == pytest.approx(left)


async def test_first_offer_activation_asks_for_the_email(page: Page, web: WebGateway) -> None:
    number = "+79000000300"
    # Not in the loyalty programme yet: the first activation must ask for an e-mail.
    members = await web.client.runtime.ports.loyalty.members([number])
    assert members.get(number) is False
    offers = (await subscriber(web, number, "offers { id title activated }"))["offers"]
    offer = next(o for o in offers if not o["activated"])
    await log_in_as(page, web, number)
    await open_screen(page, "offers")

    item = page.locator(f"#offers [data-offer='{offer['id']}']")
    email = item.get_by_label("Электронная почта")
    await expect(email).to_be_hidden()
    activate = item.get_by_role("button", name=f"Активировать: {offer['title']}")
    await activate.click()

    await expect(email).to_be_visible()
    await expect(email).to_be_focused()
    await expect(item.locator("[data-error-for=email]")).to_have_text(
        "Укажите электронную почту: она нужна при первой активации."
    )
    # The site asks the e-mail and the name, as the operator's terms say.
    name = item.get_by_label("Имя", exact=True)
    await expect(name).to_be_visible()
    await email.fill("web.offer@example.ru")
    await activate.click()
    await expect(item.locator("[data-error-for=name]")).to_have_text(
        "Укажите имя: оно нужно при первой активации."
    )
    await expect(name).to_be_focused()
    await name.fill("Тест")
    await activate.click()

    flash = page.locator("#offers [data-flash]")
    await expect(flash).to_contain_text("Промокод:")
    now = {o["id"]: o for o in (await subscriber(web, number, "offers { id promoCode }"))["offers"]}
    code = now[offer["id"]]["promoCode"]
    assert code
    title = offer["title"]
    await expect(flash).to_have_text(f"Предложение «{title}» активировано. Промокод: {code}.")
    shown = page.locator(f"#offers [data-offer='{offer['id']}']")
    await expect(shown).to_contain_text("Активировано")
    await expect(shown.locator(".promo")).to_have_text(code)


async def test_order_a_statement_by_email(page: Page, web: WebGateway) -> None:
    number = "+79000000323"
    address = "web.statement@example.ru"
    await log_in_as(page, web, number)
    await open_screen(page, "payments")

    statement = page.locator("#statement")
    await statement.get_by_label("Электронная почта для отчёта").fill(address)
    await statement.get_by_label("Формат").select_option("XLSX")
    await statement.get_by_role("button", name="Заказать детализацию").click()
    await expect(statement.locator("[data-statement-done]")).to_have_text(
        f"Детализация отправлена на {address}."
    )
    async with web.http.get(f"{web.sms_url}/admin/messages", params={"email": address}) as sent:
        assert len(await sent.json()) == 1


async def test_a_wrong_email_for_the_statement_is_explained_at_the_field(
    page: Page, web: WebGateway
) -> None:
    await log_in_as(page, web, "+79000000323")
    await open_screen(page, "payments")
    statement = page.locator("#statement")
    email = statement.get_by_label("Электронная почта для отчёта")
    await email.fill("not-an-address")
    await statement.get_by_role("button", name="Заказать детализацию").click()
    await expect(statement.locator("[data-error-for=email]")).to_have_text(
        "Проверьте адрес электронной почты."
    )
    await expect(email).to_be_focused()
