"""A refusal that lasts says how long in hours and minutes, in both languages (issue #24:
not «Повторите через 77262 с.»)."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.async_api import Page, expect

from tests.api.auth_queries import REQUEST_CODE
from tests.harness.clock import FakeClock
from tests.web.conftest import WebGatewayFactory

NUMBER = "+79000000045"


async def test_a_days_wait_is_said_in_hours_and_minutes(
    page: Page, start_web: WebGatewayFactory
) -> None:
    # 02:32:18 UTC of whichever day: the number's daily cap refills in 21 h 27 min 42 s.
    clock = FakeClock(datetime.now(UTC).replace(hour=2, minute=32, second=18, microsecond=0))
    async with start_web(clock, codes_per_number_per_day=1, code_resend_after=0) as web:
        assert (await web.client.query(REQUEST_CODE, {"m": NUMBER})).errors == []

        await page.goto(web.url)
        await page.get_by_label("Номер телефона").fill(NUMBER)
        await page.get_by_role("button", name="Получить код").click()
        error = page.locator("[data-error-for=msisdn]")
        await expect(error).to_have_text("Слишком много попыток. Повторите через 21 ч 28 мин.")

        await page.get_by_role("button", name="Switch to English").click()
        await page.get_by_label("Phone number").fill(NUMBER)
        await page.get_by_role("button", name="Get a code").click()
        await expect(error).to_have_text("Too many tries. Try again in 21 h 28 min.")
