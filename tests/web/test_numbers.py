"""Linking another number from the page: the code goes to that number's SMS inbox, the
confirmation links it, and it can be switched to and unlinked again."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.web.conftest import WebGateway
from tests.web.flows import expect_home_of, log_in_with_password

# Neither links anybody in the tests' data set; the link is undone at the end.
OWNER = "+79000000390"
TARGET = "+79000000391"
LINKS = "{ me { linkedNumbers { msisdn } } }"


async def test_link_a_number_with_its_code_then_unlink_it(page: Page, web: WebGateway) -> None:
    assert (await web.read(LINKS, OWNER))["me"]["linkedNumbers"] == []
    await log_in_with_password(page, web, OWNER, "pass-0390")
    name = (await web.read("{ me { name } }", OWNER))["me"]["name"]
    await expect_home_of(page, web, OWNER, name)

    numbers = page.locator("#numbers")
    await numbers.get_by_label("Номер Tele2").fill("8 900 000 03 91")
    await numbers.get_by_label("Как подписать (необязательно)").fill("Брат")
    await numbers.get_by_role("button", name="Отправить код на этот номер").click()
    code_field = numbers.get_by_label("Код подтверждения")
    await expect(code_field).to_be_focused()
    await expect(
        numbers.get_by_text("Код подтверждения отправлен на +7 900 000-03-91.")
    ).to_be_visible()
    await code_field.fill(await web.last_code(TARGET))
    await numbers.get_by_role("button", name="Подтвердить").click()

    linked = page.locator(f"[data-linked='{TARGET}']")
    try:
        await expect(linked).to_contain_text("Брат")
        await expect(linked).to_contain_text("Подтверждён")
        await linked.get_by_role("button", name="Показать").click()
        await expect_home_of(page, web, TARGET, "Брат")

        unlink_button = page.locator(f"[data-linked='{TARGET}']").get_by_role(
            "button", name="Отвязать номер Брат"
        )
        # Unlinking asks first; cancelling changes nothing.
        await unlink_button.click()
        ask = page.get_by_role("dialog", name="Отвязать номер Брат?")
        await expect(ask.get_by_role("button", name="Отмена")).to_be_focused()
        await ask.get_by_role("button", name="Отмена").click()
        await expect(ask).to_have_count(0)
        await expect_home_of(page, web, TARGET, "Брат")
        assert (await web.read(LINKS, OWNER))["me"]["linkedNumbers"]
        await unlink_button.click()
        await ask.get_by_role("button", name="Отвязать", exact=True).click()
        await expect_home_of(page, web, OWNER, name)
        await expect(page.locator(f"[data-linked='{TARGET}']")).to_have_count(0)
    finally:
        # However the page fared, the data set is left as it was for the other tests.
        token = web.client.subscriber_token(OWNER)
        unlink = "mutation($m: Msisdn!) { unlinkNumber(msisdn: $m) }"
        if (await web.read(LINKS, OWNER))["me"]["linkedNumbers"]:
            await web.client.query(unlink, {"m": TARGET}, token=token)
