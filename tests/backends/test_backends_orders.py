"""Provisioning's product orders (TMF622): validation, state progression and effects on
the inventory and, through billing, on the balance and quotas."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from backends.catalog import SERVICES_BY_ID, Characteristic
from backends.dataset import Subscriber
from backends.runner import BackendsConfig, RunningBackends, start_backends
from tests.backends.numbers import NumberPool
from tests.backends.reads import balance, buckets, data_left, products
from tests.backends.simulators import Simulators

ORDERS = "/tmf-api/productOrderingManagement/v4/productOrder"
OFFERINGS = "/tmf-api/productCatalogManagement/v4/productOffering"
# Long enough that only the advance route moves an order.
MANUAL_STEP_MS = 3_600_000.0


def order(msisdn: str, *items: dict[str, Any], external_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "relatedParty": [{"id": msisdn, "role": "customer"}],
        "productOrderItem": [{"id": str(n), **item} for n, item in enumerate(items, start=1)],
    }
    if external_id is not None:
        body["externalId"] = external_id
    return body


def add(offering_id: str) -> dict[str, Any]:
    return {"action": "add", "product": {"productOffering": {"id": offering_id}}}


def delete(product_id: str) -> dict[str, Any]:
    return {"action": "delete", "product": {"id": product_id}}


def change_tariff(tariff_id: str, **values: Any) -> dict[str, Any]:
    return {
        "action": "modify",
        "product": {
            "productOffering": {"id": tariff_id},
            "productCharacteristic": [{"name": n, "value": v} for n, v in values.items()],
        },
    }


def on(
    tariff_id: str, *, money: tuple[int, int] = (-(10**9), 10**9)
) -> Callable[[Subscriber], bool]:
    low, high = money

    def where(subscriber: Subscriber) -> bool:
        return subscriber.tariff_id == tariff_id and low <= subscriber.balance <= high

    return where


def services_of(subscriber: Subscriber) -> set[str]:
    return {connected.service_id for connected in subscriber.services}


async def test_the_catalogue_prices_a_tariff_change(sim: Simulators) -> None:
    tariffs = await sim.get_ok("provisioning", OFFERINGS, **{"category.id": "tariff"})
    fees = {
        t["id"]: next(
            p["price"]["value"] for p in t["productOfferingPrice"] if p["name"] == "Смена тарифа"
        )
        for t in tariffs
    }
    assert fees == {
        "T-ONLINE": 0,
        "T-TALK": 100,
        "T-UNLIM": 250,
        "T-CLASSIC": 0,
        "T-CONSTRUCTOR": 50,
    }
    for tariff in tariffs:
        # The monthly fee stays the first price without prodSpecCharValueUse.
        first = next(p for p in tariff["productOfferingPrice"] if "prodSpecCharValueUse" not in p)
        assert first["priceType"] == "recurring"


async def test_connecting_a_service(sim: Simulators, numbers: NumberPool) -> None:
    subscriber = numbers.take(lambda s: on("T-ONLINE")(s) and "SRV-VIDEO" not in services_of(s))
    msisdn = subscriber.msisdn
    before = await balance(sim, msisdn)
    done = await sim.post_created("provisioning", ORDERS, order(msisdn, add("SRV-VIDEO")))
    assert done["state"] == "completed"
    assert done["@type"] == "ProductOrder"
    assert "completionDate" in done
    (item,) = done["productOrderItem"]
    assert item["state"] == "completed"
    product_id = f"PRD-{msisdn[1:]}-SRV-VIDEO"
    assert item["product"]["id"] == product_id
    assert item["product"]["productOffering"] == {"id": "SRV-VIDEO", "name": "Безлимитное видео"}
    product = (await products(sim, msisdn))[product_id]
    assert product["status"] == "active"
    assert product["productOffering"]["id"] == "SRV-VIDEO"
    assert await balance(sim, msisdn) == before  # the monthly fee is billed with the period
    assert await sim.get_ok("provisioning", f"{ORDERS}/{done['id']}") == done

    again = await sim.post("provisioning", ORDERS, order(msisdn, add("SRV-VIDEO")))
    assert (again.status, again.body["code"]) == (422, "ALREADY_CONNECTED")

    gone = await sim.post_created("provisioning", ORDERS, order(msisdn, delete(product_id)))
    assert gone["state"] == "completed"
    product = (await products(sim, msisdn))[product_id]
    assert product["status"] == "terminated"
    assert "terminationDate" in product
    # Connecting it again brings the same product back.
    back = await sim.post_created("provisioning", ORDERS, order(msisdn, add("SRV-VIDEO")))
    assert back["state"] == "completed"
    assert (await products(sim, msisdn))[product_id]["status"] == "active"
    listed = await sim.get_ok("provisioning", ORDERS, **{"relatedParty.id": msisdn})
    assert [o["id"] for o in listed] == [back["id"], gone["id"], done["id"]]


async def test_refused_orders_change_nothing(sim: Simulators, numbers: NumberPool) -> None:
    talk = numbers.take(lambda s: on("T-TALK")(s) and bool(s.services))
    connected = sorted(services_of(talk))[0]
    not_connected = next(
        s.id
        for s in SERVICES_BY_ID.values()
        if s.available_on("T-TALK") and s.id not in services_of(talk)
    )
    constructor = numbers.msisdn(on("T-CONSTRUCTOR"))
    unlimited = numbers.msisdn(on("T-UNLIM"))
    msisdn = talk.msisdn
    digits = msisdn[1:]
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        (msisdn, order(msisdn, add("SRV-NOPE")), 422, "UNKNOWN_OFFERING"),
        (msisdn, order(msisdn, add("SRV-VIDEO")), 422, "SERVICE_NOT_AVAILABLE"),
        (msisdn, order(msisdn, add(connected)), 422, "ALREADY_CONNECTED"),
        (msisdn, order(msisdn, delete(f"PRD-{digits}-{not_connected}")), 422, "UNKNOWN_PRODUCT"),
        (
            msisdn,
            order(
                msisdn, {"action": "delete", "product": {"productOffering": {"id": not_connected}}}
            ),
            422,
            "NOT_CONNECTED",
        ),
        (msisdn, order(msisdn, change_tariff("T-TALK")), 422, "SAME_TARIFF"),
        (msisdn, order(msisdn, change_tariff("T-ONLINE", minutes=100)), 422, "VALUE_NOT_ALLOWED"),
        (msisdn, order(msisdn, delete(f"PRD-{digits}-tariff")), 422, "ACTION_NOT_ALLOWED"),
        (msisdn, order(msisdn, add("T-ONLINE")), 422, "ACTION_NOT_ALLOWED"),
        (msisdn, order(msisdn, add("SRV-SOCIAL"), add("SRV-NOPE")), 422, "UNKNOWN_OFFERING"),
        (
            constructor,
            order(constructor, change_tariff("T-CONSTRUCTOR", minutes=300)),
            422,
            "VALUE_NOT_ALLOWED",
        ),
        (
            constructor,
            order(constructor, change_tariff("T-CONSTRUCTOR", internet=5)),
            422,
            "VALUE_NOT_ALLOWED",
        ),
        (unlimited, order(unlimited, add("PKG-1GB")), 422, "SERVICE_NOT_AVAILABLE"),
        ("+79990000000", order("+79990000000", add("SRV-SOCIAL")), 422, "UNKNOWN_NUMBER"),
        (msisdn, {"relatedParty": [{"id": msisdn}], "productOrderItem": []}, 400, "BAD_REQUEST"),
        (msisdn, order(msisdn, {"action": "upgrade"}), 400, "BAD_REQUEST"),
        (msisdn, order(msisdn, add("SRV-SOCIAL"), add("SRV-SOCIAL")), 400, "BAD_REQUEST"),
        (msisdn, {"productOrderItem": [add("SRV-SOCIAL")]}, 400, "BAD_REQUEST"),
    ]
    before = {n: await products(sim, n) for n in (msisdn, constructor, unlimited)}
    for number, body, status, code in cases:
        reply = await sim.post("provisioning", ORDERS, body)
        assert (reply.status, reply.body["code"]) == (status, code), body
        assert await products(sim, number) == before.get(number, {})
    for number in before:
        assert await sim.get_ok("provisioning", ORDERS, **{"relatedParty.id": number}) == []


async def test_buying_a_package_charges_and_adds_a_quota(
    sim: Simulators, numbers: NumberPool
) -> None:
    msisdn = numbers.msisdn(on("T-ONLINE", money=(250, 10**6)))
    money_before = await balance(sim, msisdn)
    data_before = await data_left(sim, msisdn)
    done = await sim.post_created("provisioning", ORDERS, order(msisdn, add("PKG-5GB")))
    assert done["state"] == "completed"
    assert done["orderTotalPrice"][0]["price"]["taxIncludedAmount"] == {"unit": "RUB", "value": 200}
    product_id = done["productOrderItem"][0]["product"]["id"]
    assert product_id.startswith(f"PRD-{msisdn[1:]}-pkg-")
    product = (await products(sim, msisdn))[product_id]
    assert product["status"] == "active"
    assert product["name"] == "+5 ГБ"
    assert await balance(sim, msisdn) == money_before - 200
    assert await data_left(sim, msisdn) == data_before + 5
    (bucket,) = [
        b for b in await buckets(sim, msisdn) if b.get("product", [{}])[0].get("id") == product_id
    ]
    assert bucket["name"] == "+5 ГБ"
    assert bucket["validFor"]["endDateTime"] == product["terminationDate"]


async def test_a_package_without_the_money_fails_the_order(
    sim: Simulators, numbers: NumberPool
) -> None:
    msisdn = numbers.msisdn(on("T-TALK", money=(-(10**6), 59)))
    money_before = await balance(sim, msisdn)
    data_before = await data_left(sim, msisdn)
    products_before = await products(sim, msisdn)
    failed = await sim.post_created("provisioning", ORDERS, order(msisdn, add("PKG-1GB")))
    assert failed["state"] == "failed"
    assert failed["productOrderItem"][0]["state"] == "failed"
    (error,) = failed["errorMessage"]
    assert error["code"] == "INSUFFICIENT_BALANCE"
    assert await balance(sim, msisdn) == money_before
    assert await data_left(sim, msisdn) == data_before
    assert await products(sim, msisdn) == products_before


async def test_changing_the_tariff_charges_its_fee(sim: Simulators, numbers: NumberPool) -> None:
    subscriber = numbers.take(
        lambda s: on("T-ONLINE", money=(150, 10**6))(s) and "SRV-VIDEO" in services_of(s)
    )
    msisdn = subscriber.msisdn
    before = await balance(sim, msisdn)
    done = await sim.post_created("provisioning", ORDERS, order(msisdn, change_tariff("T-TALK")))
    assert done["state"] == "completed"
    assert done["productOrderItem"][0]["itemTotalPrice"][0]["price"]["taxIncludedAmount"] == {
        "unit": "RUB",
        "value": 100,
    }
    assert await balance(sim, msisdn) == before - 100
    owned = await products(sim, msisdn)
    tariff = owned[f"PRD-{msisdn[1:]}-tariff"]
    assert tariff["productOffering"]["id"] == "T-TALK"
    assert tariff["name"] == "Мой разговор"
    assert tariff["productCharacteristic"] == []
    # Безлимитное видео is not offered on T-TALK: it goes with the old tariff.
    assert owned[f"PRD-{msisdn[1:]}-SRV-VIDEO"]["status"] == "terminated"


async def test_tuning_and_choosing_the_constructor(sim: Simulators, numbers: NumberPool) -> None:
    tuned = numbers.take(
        lambda s: (
            on("T-CONSTRUCTOR")(s) and dict(s.tariff_values).get(Characteristic.MINUTES) != 800
        )
    )
    before = await balance(sim, tuned.msisdn)
    done = await sim.post_created(
        "provisioning", ORDERS, order(tuned.msisdn, change_tariff("T-CONSTRUCTOR", minutes=800))
    )
    assert done["state"] == "completed"
    assert await balance(sim, tuned.msisdn) == before  # tuning is free
    tariff = (await products(sim, tuned.msisdn))[f"PRD-{tuned.msisdn[1:]}-tariff"]
    values = {c["name"]: c["value"] for c in tariff["productCharacteristic"]}
    assert values["minutes"] == 800

    switcher = numbers.msisdn(on("T-ONLINE", money=(60, 10**6)))
    before = await balance(sim, switcher)
    done = await sim.post_created(
        "provisioning", ORDERS, order(switcher, change_tariff("T-CONSTRUCTOR", gigabytes="40"))
    )
    assert done["state"] == "completed"
    assert await balance(sim, switcher) == before - 50
    tariff = (await products(sim, switcher))[f"PRD-{switcher[1:]}-tariff"]
    assert {c["name"]: c["value"] for c in tariff["productCharacteristic"]} == {
        "minutes": 100,
        "gigabytes": 40,
    }


async def test_an_external_id_is_an_idempotency_key(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn(on("T-ONLINE", money=(100, 10**6)))
    before = await balance(sim, msisdn)
    body = order(msisdn, add("PKG-1GB"), external_id="gw-key-1")
    first = await sim.post_created("provisioning", ORDERS, body)
    assert first["externalId"] == "gw-key-1"
    again = await sim.post("provisioning", ORDERS, body)
    assert (again.status, again.body) == (201, first)
    assert await balance(sim, msisdn) == before - 60
    other = await sim.post(
        "provisioning", ORDERS, order(msisdn, add("PKG-5GB"), external_id="gw-key-1")
    )
    assert (other.status, other.body["code"]) == (409, "IDEMPOTENCY_KEY_REUSED")
    listed = await sim.get_ok("provisioning", ORDERS, externalId="gw-key-1")
    assert [o["id"] for o in listed] == [first["id"]]


async def test_an_unreachable_billing_fails_the_order(
    faults: Simulators, numbers: NumberPool
) -> None:
    msisdn = numbers.msisdn(on("T-ONLINE", money=(100, 10**6)))
    before = await products(faults, msisdn)
    await faults.set_faults("billing", error_rate=1.0)
    failed = await faults.post_created("provisioning", ORDERS, order(msisdn, add("PKG-1GB")))
    assert failed["state"] == "failed"
    assert failed["errorMessage"][0]["code"] == "BILLING_UNAVAILABLE"
    assert await products(faults, msisdn) == before


@pytest.fixture(scope="module")
async def manual() -> AsyncIterator[RunningBackends]:
    """Services of their own whose orders and statements move only when advanced."""
    running = await start_backends(BackendsConfig(size=30, order_step_ms=MANUAL_STEP_MS))
    yield running
    await running.stop()


@pytest.fixture
async def manual_sim(manual: RunningBackends) -> AsyncIterator[Simulators]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield Simulators(session, manual.urls)


async def test_an_order_moves_one_state_per_step(
    manual_sim: Simulators, manual: RunningBackends
) -> None:
    sim = manual_sim
    subscriber = next(
        s for s in manual.world.subscribers[13:] if s.tariff_id == "T-ONLINE" and s.balance >= 100
    )
    msisdn = subscriber.msisdn
    before = await balance(sim, msisdn)
    placed = await sim.post_created("provisioning", ORDERS, order(msisdn, add("PKG-1GB")))
    assert placed["state"] == "acknowledged"
    product_id = placed["productOrderItem"][0]["product"]["id"]
    assert product_id not in await products(sim, msisdn)

    advance = f"/admin/orders/{placed['id']}/advance"
    step = await sim.post("provisioning", advance, None)
    assert step.status == 200
    assert step.body["state"] == "inProgress"
    assert (await products(sim, msisdn))[product_id]["status"] == "pendingActive"
    assert await balance(sim, msisdn) == before

    step = await sim.post("provisioning", advance, None)
    assert step.body["state"] == "completed"
    assert (await products(sim, msisdn))[product_id]["status"] == "active"
    assert await balance(sim, msisdn) == before - 60
    assert await sim.get_ok("provisioning", f"{ORDERS}/{placed['id']}") == step.body

    final = await sim.post("provisioning", advance, None)
    assert (final.status, final.body["code"]) == (409, "ALREADY_FINAL")
    assert (await sim.post("provisioning", "/admin/orders/ORD-999/advance", None)).status == 404


async def test_a_disconnection_is_pending_terminate_in_progress(
    manual_sim: Simulators, manual: RunningBackends
) -> None:
    sim = manual_sim
    subscriber = next(s for s in manual.world.subscribers[13:] if s.services)
    product_id = f"PRD-{subscriber.msisdn[1:]}-{subscriber.services[0].service_id}"
    placed = await sim.post_created(
        "provisioning", ORDERS, order(subscriber.msisdn, delete(product_id))
    )
    again = await sim.post("provisioning", ORDERS, order(subscriber.msisdn, delete(product_id)))
    assert (again.status, again.body["code"]) == (422, "ORDER_IN_PROGRESS")
    step = await sim.post("provisioning", f"/admin/orders/{placed['id']}/advance", None)
    assert step.body["state"] == "inProgress"
    assert (await products(sim, subscriber.msisdn))[product_id]["status"] == "pendingTerminate"
    await sim.post("provisioning", f"/admin/orders/{placed['id']}/advance", None)
    assert (await products(sim, subscriber.msisdn))[product_id]["status"] == "terminated"
    again = await sim.post("provisioning", ORDERS, order(subscriber.msisdn, delete(product_id)))
    assert (again.status, again.body["code"]) == (422, "NOT_CONNECTED")
