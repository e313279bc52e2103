"""Provisioning over HTTP: catalogue, products, customers, permissions, passwords."""

from __future__ import annotations

from backends.runner import BackendsThread
from tests.backends.simulators import Simulators

OFFERINGS = "/tmf-api/productCatalogManagement/v4/productOffering"
PRODUCTS = "/tmf-api/productInventory/v4/product"
CUSTOMERS = "/tmf-api/customerManagement/v4/customer"
PERMISSIONS = "/userrolepermission/v4/permission"
CREDENTIALS = "/tmf-api/digitalIdentityManagement/v4/credentialVerification"


async def test_the_catalogue(sim: Simulators) -> None:
    offerings = await sim.get_ok("provisioning", OFFERINGS)
    kinds = [o["category"][0]["id"] for o in offerings]
    assert kinds.count("tariff") == 5
    assert kinds.count("service") >= 8
    assert kinds.count("package") == 3
    tariffs = {o["id"] for o in offerings if o["category"][0]["id"] == "tariff"}
    services = [o for o in offerings if o["category"][0]["id"] == "service"]
    assert {s["category"][1]["id"] for s in services} == {
        "subscription",
        "roaming",
        "ringback",
        "other",
    }
    restricted = [s for s in services if s["productOfferingRelationship"]]
    assert restricted
    for service in restricted:
        for relationship in service["productOfferingRelationship"]:
            assert relationship["relationshipType"] == "availableFor"
            assert relationship["id"] in tariffs
    packages = await sim.get_ok("provisioning", OFFERINGS, **{"category.id": "package"})
    assert sorted(
        p["prodSpecCharValueUse"][0]["productSpecCharacteristicValue"][0]["value"] for p in packages
    ) == [1, 5, 10]
    assert all(p["productOfferingPrice"][0]["priceType"] == "oneTime" for p in packages)


async def test_the_configurable_tariff(sim: Simulators) -> None:
    constructor = await sim.get_ok("provisioning", f"{OFFERINGS}/T-CONSTRUCTOR")
    uses = {
        u["name"]: u["productSpecCharacteristicValue"] for u in constructor["prodSpecCharValueUse"]
    }
    assert [v["value"] for v in uses["minutes"]] == [100, 200, 400, 800, 1500]
    assert [v["value"] for v in uses["gigabytes"]] == [5, 10, 20, 40, 80]
    assert [v["value"] for v in uses["sms"]] == ["unlimited"]
    assert [v["value"] for v in uses["minutes"] if v.get("isDefault")] == [100]
    prices = constructor["productOfferingPrice"]
    base = [p for p in prices if "prodSpecCharValueUse" not in p and p["priceType"] == "recurring"]
    assert [p["price"] for p in base] == [{"unit": "RUB", "value": 150}]
    assert prices[-1] == {
        "name": "Смена тарифа",
        "priceType": "oneTime",
        "price": {"unit": "RUB", "value": 50},
    }
    per_value = {
        (
            p["prodSpecCharValueUse"][0]["name"],
            p["prodSpecCharValueUse"][0]["productSpecCharacteristicValue"][0]["value"],
        ): p["price"]["value"]
        for p in prices
        if "prodSpecCharValueUse" in p
    }
    assert per_value[("minutes", 200)] == 120
    assert len(per_value) == 10
    # The demo's fee, as the doc's rule computes it: base + 400 minutes + 20 GB.
    assert 150 + per_value[("minutes", 400)] + per_value[("gigabytes", 20)] == 600
    reply = await sim.get("provisioning", f"{OFFERINGS}/T-NOTHING")
    assert reply.status == 404


async def test_the_demo_subscribers_products(sim: Simulators) -> None:
    products = await sim.get_ok(
        "provisioning", PRODUCTS, **{"realizingResource.id": "+79000000001"}
    )
    tariff = products[0]
    assert tariff["id"] == "PRD-79000000001-tariff"
    assert tariff["productOffering"]["id"] == "T-CONSTRUCTOR"
    assert tariff["productCharacteristic"] == [
        {"name": "minutes", "value": 400},
        {"name": "gigabytes", "value": 20},
    ]
    assert len(products) == 4
    assert all(p["status"] == "active" for p in products)
    one = await sim.get_ok("provisioning", f"{PRODUCTS}/PRD-79000000001-SRV-GUDOK")
    assert one["name"] == "Гудок"
    assert (await sim.get("provisioning", f"{PRODUCTS}/PRD-79000000001-SRV-VIDEO")).status == 404


async def test_products_of_a_batch(sim: Simulators) -> None:
    numbers = {"+79000000004", "+79000000007", "+79000000100"}
    products = await sim.get_ok(
        "provisioning", PRODUCTS, **{"realizingResource.id": ",".join(numbers)}
    )
    assert {p["realizingResource"][0]["id"] for p in products} == numbers
    tariffs = {
        p["realizingResource"][0]["id"]: p["productOffering"]["id"]
        for p in products
        if p["id"].endswith("-tariff")
    }
    assert tariffs["+79000000004"] == "T-UNLIM"
    assert tariffs["+79000000007"] == "T-CLASSIC"
    by_party = await sim.get_ok("provisioning", PRODUCTS, **{"relatedParty.id": "+79000000004"})
    assert {p["realizingResource"][0]["id"] for p in by_party} == {"+79000000004"}


async def test_customers(sim: Simulators) -> None:
    customers = await sim.get_ok(
        "provisioning", CUSTOMERS, id="+79000000001,+79000000002,+79000000003"
    )
    assert [c["id"] for c in customers] == ["+79000000001", "+79000000002", "+79000000003"]
    demo = customers[0]
    assert demo["name"] == "Анна Смирнова"
    assert demo["characteristic"] == [{"name": "region", "value": "Москва"}]
    one = await sim.get_ok("provisioning", f"{CUSTOMERS}/%2B79000000002")
    assert one == customers[1]
    reply = await sim.get("provisioning", f"{CUSTOMERS}/%2B79990000000")
    assert reply.status == 404
    assert reply.body["@type"] == "Error"


async def test_the_demo_subscribers_linked_numbers(sim: Simulators) -> None:
    permissions = await sim.get_ok("provisioning", PERMISSIONS, **{"user.id": "+79000000001"})
    assert {(p["granter"]["id"], p["description"]) for p in permissions} == {
        ("+79000000005", "Мама"),
        ("+79000000006", "Дочь"),
    }
    for permission in permissions:
        asset = permission["privilege"][0]["manageableAsset"]["id"]
        assert asset == permission["granter"]["id"]
    managers = await sim.get_ok("provisioning", PERMISSIONS, **{"granter.id": "+79000000005"})
    assert [p["user"]["id"] for p in managers] == ["+79000000001"]
    assert await sim.get_ok("provisioning", PERMISSIONS, **{"user.id": "+79000000008"}) == []
    assert await sim.get_ok("provisioning", PERMISSIONS, **{"granter.id": "+79000000008"}) == []


async def test_linking_and_unlinking_a_number(sim: Simulators, backends: BackendsThread) -> None:
    linked = {(link.manager, link.linked) for link in backends.world.links}
    user, granter = next(
        (f"+790000001{a:02d}", f"+790000001{b:02d}")
        for a in range(50)
        for b in range(50, 99)
        if (f"+790000001{a:02d}", f"+790000001{b:02d}") not in linked
    )
    body = {
        "description": "Бабушка",
        "user": {"id": user, "@referredType": "Individual"},
        "granter": {"id": granter, "@referredType": "Individual"},
    }
    created = await sim.post("provisioning", PERMISSIONS, body)
    assert created.status == 201, created.body
    permission = created.body
    assert permission["id"].startswith("PRM-")
    assert permission["description"] == "Бабушка"
    assert permission["granter"]["id"] == granter
    assert created.headers["Location"].endswith(permission["id"])
    listed = await sim.get_ok("provisioning", PERMISSIONS, **{"user.id": user})
    assert permission in listed
    assert await sim.get_ok("provisioning", f"{PERMISSIONS}/{permission['id']}") == permission
    assert (await sim.post("provisioning", PERMISSIONS, body)).status == 409
    deleted = await sim.request("DELETE", "provisioning", f"{PERMISSIONS}/{permission['id']}")
    assert deleted.status == 204
    assert permission not in await sim.get_ok("provisioning", PERMISSIONS, **{"user.id": user})
    again = await sim.request("DELETE", "provisioning", f"{PERMISSIONS}/{permission['id']}")
    assert again.status == 404


async def test_refused_links_are_400(sim: Simulators) -> None:
    refused = [
        {"user": {"id": "+79000000010"}, "granter": {"id": "+79000000010"}},
        {"user": {"id": "+79000000010"}, "granter": {"id": "+79990000000"}},
        {"user": {"id": "+79000000010"}},
        {"user": "+79000000010", "granter": {"id": "+79000000011"}},
    ]
    for body in refused:
        reply = await sim.post("provisioning", PERMISSIONS, body)
        assert reply.status == 400, body
        assert reply.body["@type"] == "Error"
    reply = await sim.request("POST", "provisioning", PERMISSIONS, body=[1, 2])
    assert reply.status == 400


async def test_password_checks(sim: Simulators) -> None:
    async def verified(login: object, password: object) -> bool:
        reply = await sim.post(
            "provisioning", CREDENTIALS, {"loginId": login, "password": password}
        )
        assert reply.status == 200, reply.body
        result = reply.body["verified"]
        assert isinstance(result, bool)
        return result

    assert await verified("+79000000001", "demo-password")
    assert not await verified("+79000000001", "demo-password ")
    assert not await verified("+79000000001", "pass-0001")
    assert await verified("+79000000042", "pass-0042")
    assert not await verified("+79990000000", "pass-0000")
    reply = await sim.post("provisioning", CREDENTIALS, {"loginId": "+79000000001"})
    assert reply.status == 400
