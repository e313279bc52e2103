"""Orders from the page: connecting a service, switching tariff after the fee preview,
buying a traffic package; an order still in progress is followed until it is done. Each
test has a number of its own (+790000003xx) and reads what it expects from the API."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from playwright.async_api import Page, Request, Route, expect

from tests.web.conftest import WebGateway
from tests.web.flows import (
    buy_package,
    cheapest_package,
    expect_money,
    log_in_as,
    money_of,
    open_screen,
    subscriber,
)


async def offered_service(web: WebGateway, msisdn: str) -> dict[str, Any]:
    """A service the number's tariff offers and the number does not have yet. Which tariff
    offers what is the provisioning catalogue's (the API does not say), so it is asked."""
    found = await subscriber(web, msisdn, "tariff { id } services { id }")
    catalog = await web.client.runtime.ports.provisioning.catalog()
    connected = {s["id"] for s in found["services"]}
    service = next(
        s
        for s in catalog.services
        if s.id not in connected
        and (not s.available_for or found["tariff"]["id"] in s.available_for)
    )
    return {"id": service.id, "name": service.name}


async def test_connect_a_service_and_see_it_connected(page: Page, web: WebGateway) -> None:
    number = "+79000000317"
    service = await offered_service(web, number)
    await log_in_as(page, web, number)
    await open_screen(page, "tariff")

    services = page.locator("#services")
    await (
        services.locator(f"[data-list=available] [data-service='{service['id']}']")
        .get_by_role("button", name=f"Подключить услугу «{service['name']}»")
        .click()
    )

    await expect(services.locator("[data-flash]")).to_have_text(
        f"Услуга «{service['name']}» подключена."
    )
    connected = services.locator(f"[data-list=connected] [data-service='{service['id']}']")
    await expect(connected).to_contain_text("Подключена")
    await expect(
        services.locator(f"[data-list=available] [data-service='{service['id']}']")
    ).to_have_count(0)
    now = (await subscriber(web, number, "services { id status }"))["services"]
    assert {"id": service["id"], "status": "ACTIVE"} in now
    # The order is listed with its state.
    orders = (await subscriber(web, number, "orders { id state }"))["orders"]
    order = next(o for o in orders if o["state"] == "COMPLETED")
    await expect(page.locator(f"#orders [data-order='{order['id']}']")).to_contain_text(
        service["name"]
    )
    await expect(
        page.locator(f"#orders [data-order='{order['id']}'] [data-order-state]")
    ).to_have_text("выполнена")


async def test_a_service_not_on_the_tariff_is_refused_beside_its_button(
    page: Page, web: WebGateway
) -> None:
    number = "+79000000320"
    tariff = (await subscriber(web, number, "tariff { id }"))["tariff"]["id"]
    catalog = await web.client.runtime.ports.provisioning.catalog()
    service = next(s for s in catalog.services if s.available_for and tariff not in s.available_for)
    await log_in_as(page, web, number)
    await open_screen(page, "tariff")

    item = page.locator(f"#services [data-service='{service.id}']")
    await item.get_by_role("button", name=f"Подключить услугу «{service.name}»").click()
    await expect(item.locator("[data-form-error]")).to_have_text(
        "Услуга недоступна на вашем тарифе."
    )
    services = (await subscriber(web, number, "services { id }"))["services"]
    assert all(s["id"] != service.id for s in services)


async def test_an_order_in_progress_is_followed_until_done(page: Page, web: WebGateway) -> None:
    # The tests' provisioning completes orders inside the call; the demo's take a second.
    # The page is told this one is still IN_PROGRESS, as the demo would say: it shows so,
    # asks for the orders until the order is done, then shows the screen again.
    number = "+79000000341"
    service = await offered_service(web, number)
    polled: list[str] = []

    def seen(request: Request) -> None:
        if request.url.endswith("/graphql") and request.method == "POST":
            body = json.loads(request.post_data or "null")
            if isinstance(body, list):
                polled.extend(op["operationName"] for op in body)

    async def still_in_progress(route: Route) -> None:
        asked = json.loads(route.request.post_data or "null")
        if not isinstance(asked, list):
            # The screen's own data, asked alone and answered in parts: left as it is.
            await route.continue_()
            return
        response = await route.fetch()
        answers = await response.json()
        if isinstance(asked, list) and isinstance(answers, list):
            for op, answer in zip(asked, answers, strict=True):
                payload = (answer.get("data") or {}).get("connectService")
                if op["operationName"] == "ConnectService" and payload:
                    payload["orderState"] = "IN_PROGRESS"
        await route.fulfill(response=response, json=answers)

    page.on("request", seen)
    await log_in_as(page, web, number)
    await open_screen(page, "tariff")
    await page.route("**/graphql", still_in_progress)
    await (
        page.locator(f"#services [data-service='{service['id']}']")
        .get_by_role("button", name=f"Подключить услугу «{service['name']}»")
        .click()
    )
    # Checked in the page at every animation frame: the sentence stays up only until the
    # next answer about the order (a second), too short for expect()'s widening retries.
    await page.wait_for_function(
        "text => document.querySelector('#services [data-flash]')?.textContent === text",
        arg=f"Услуга «{service['name']}» подключается. Заявка: выполняется.",
    )
    flash = page.locator("#services [data-flash]")
    await expect(flash).to_have_text(f"Услуга «{service['name']}» подключена.")
    assert "Orders" in polled
    await expect(
        page.locator(f"#services [data-list=connected] [data-service='{service['id']}']")
    ).to_contain_text("Подключена")


PREVIEW = """query($m: Msisdn!, $t: ID!) { previewTariffChange(msisdn: $m, tariffId: $t) {
  changeFee { amount } newMonthlyFee { amount } } }"""


async def test_change_tariff_after_the_fee_preview(page: Page, web: WebGateway) -> None:
    number = "+79000000315"
    current = (await subscriber(web, number, "tariff { id }"))["tariff"]["id"]
    tariffs = (await web.read("{ tariffs { id name } }", number))["tariffs"]
    # A tariff with a fee for the switch, so that the preview has something to say.
    previews = {}
    for tariff in tariffs:
        if tariff["id"] != current:
            variables = {"m": number, "t": tariff["id"]}
            previews[tariff["id"]] = (await web.read(PREVIEW, number, variables))[
                "previewTariffChange"
            ]
    charged = [i for i, p in previews.items() if Decimal(p["changeFee"]["amount"]) > 0]
    target = next(t for t in tariffs if t["id"] in charged)
    preview = previews[target["id"]]
    fee = Decimal(preview["changeFee"]["amount"])
    before = await money_of(web, number)
    assert before > fee
    await log_in_as(page, web, number)
    await open_screen(page, "tariff")

    await page.get_by_role("button", name=f"Перейти на тариф «{target['name']}»").click()
    dialog = page.get_by_role("dialog", name=f"Переход на тариф «{target['name']}»")
    shown = dialog.locator("[data-change-preview]")
    await expect(shown).to_have_attribute("data-change-fee", preview["changeFee"]["amount"])
    await expect(shown.locator("[data-fee=change]")).to_contain_text(f"{fee:.2f}".replace(".", ","))
    new_fee = Decimal(preview["newMonthlyFee"]["amount"])
    await expect(shown).to_contain_text(f"{new_fee:.2f}".replace(".", ","))
    # Nothing is ordered before the confirmation.
    assert (await subscriber(web, number, "tariff { id }"))["tariff"]["id"] == current

    await dialog.get_by_role("button", name="Перейти на тариф").click()
    await expect(dialog).to_be_hidden()
    await expect(page.locator("#tariff [data-flash]")).to_have_text(
        f"Вы перешли на тариф «{target['name']}»."
    )
    await expect(page.locator("#tariff [data-tariff-name]")).to_contain_text(target["name"])
    assert (await subscriber(web, number, "tariff { id }"))["tariff"]["id"] == target["id"]
    after = await money_of(web, number)
    assert after == before - fee
    await open_screen(page, "home")
    await expect_money(page, after)


async def test_buy_a_traffic_package(page: Page, web: WebGateway) -> None:
    number = "+79000000336"
    cheapest = await cheapest_package(web, number)
    before = await subscriber(web, number, "balance { money { amount } quotas { kind } }")
    data_quotas = sum(1 for q in before["balance"]["quotas"] if q["kind"] == "DATA")
    await log_in_as(page, web, number)
    await buy_package(page, cheapest)
    # The package is a quota of its own now.
    await open_screen(page, "home")
    await expect(page.locator("#balance [data-quota=DATA]")).to_have_count(data_quotas + 1)
    after = await money_of(web, number)
    assert after == Decimal(before["balance"]["money"]["amount"]) - Decimal(
        cheapest["price"]["amount"]
    )
    await expect_money(page, after)
