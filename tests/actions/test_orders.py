"""Services, tariff, configurable tariff and packages: TMF622 orders with real effects."""

from __future__ import annotations

from decimal import Decimal

from tests.actions.helpers import key, money, state
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient

ORDER_FIELDS = "orderId orderState userErrors { field code message }"


def _mutation(name: str, args: str) -> str:
    return (
        f"mutation($m: Msisdn!, $k: String) {{ {name}(msisdn: $m, {args}, idempotencyKey: $k) "
        f"{{ {ORDER_FIELDS} }} }}"
    )


async def test_connect_and_disconnect_a_service(gateway: GatewayClient) -> None:
    number = "+79000000063"  # T-TALK, no services
    token = gateway.subscriber_token(number)
    catalog = await gateway.runtime.ports.provisioning.catalog()
    service = next(
        s for s in catalog.services if not s.available_for or "T-TALK" in s.available_for
    )
    connect = _mutation("connectService", f'serviceId: "{service.id}"')
    answer = (await gateway.query(connect, {"m": number, "k": key()}, token=token)).data
    assert answer["connectService"]["userErrors"] == []
    assert answer["connectService"]["orderState"] == "COMPLETED"
    assert {"id": service.id, "status": "ACTIVE"} in (await state(gateway, number))["services"]

    again = (await gateway.query(connect, {"m": number, "k": key()}, token=token)).data
    assert [e["code"] for e in again["connectService"]["userErrors"]] == ["ALREADY_CONNECTED"]

    disconnect = _mutation("disconnectService", f'serviceId: "{service.id}"')
    gone = (await gateway.query(disconnect, {"m": number, "k": key()}, token=token)).data
    assert gone["disconnectService"]["userErrors"] == []
    assert all(s["id"] != service.id for s in (await state(gateway, number))["services"])
    twice = (await gateway.query(disconnect, {"m": number, "k": key()}, token=token)).data
    assert [e["code"] for e in twice["disconnectService"]["userErrors"]] == ["NOT_CONNECTED"]


async def test_a_service_not_offered_on_the_tariff(
    gateway: GatewayClient, admins: dict[str, BackendAdmin]
) -> None:
    number = "+79000000054"  # T-CLASSIC
    catalog = await gateway.runtime.ports.provisioning.catalog()
    service = next(
        s for s in catalog.services if s.available_for and "T-CLASSIC" not in s.available_for
    )
    await admins["provisioning"].reset()
    answer = await gateway.query(
        _mutation("connectService", f'serviceId: "{service.id}"'),
        {"m": number, "k": key()},
        token=gateway.subscriber_token(number),
    )
    errors = answer.data["connectService"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("SERVICE_NOT_AVAILABLE", "serviceId")]
    assert await admins["provisioning"].count("/productOrder") == 0


async def test_change_tariff_with_its_fee_previewed(gateway: GatewayClient) -> None:
    number = "+79000000064"  # T-ONLINE
    token = gateway.subscriber_token(number)
    preview = await gateway.query(
        """query($m: Msisdn!) { previewTariffChange(msisdn: $m, tariffId: "T-TALK") {
          changeFee { amount } newMonthlyFee { amount } currentMonthlyFee { amount } } }""",
        {"m": number},
        token=token,
    )
    fee = Decimal(preview.data["previewTariffChange"]["changeFee"]["amount"])
    assert fee == Decimal(100)
    before = money(await state(gateway, number))
    changed = await gateway.query(
        _mutation("changeTariff", 'tariffId: "T-TALK"'), {"m": number, "k": key()}, token=token
    )
    assert changed.data["changeTariff"]["userErrors"] == []
    after = await state(gateway, number)
    assert after["tariff"]["id"] == "T-TALK"
    assert money(after) == before - fee
    same = await gateway.query(
        _mutation("changeTariff", 'tariffId: "T-TALK"'), {"m": number, "k": key()}, token=token
    )
    assert [e["code"] for e in same.data["changeTariff"]["userErrors"]] == ["SAME_TARIFF"]
    assert [o["state"] for o in after["orders"]][:1] == ["COMPLETED"]


async def test_configure_tariff_only_with_allowed_values(gateway: GatewayClient) -> None:
    number = "+79000000053"  # T-CONSTRUCTOR, 800 min
    token = gateway.subscriber_token(number)
    refused = await gateway.query(
        _mutation("configureTariff", "minutes: 333, gigabytes: 7"),
        {"m": number, "k": key()},
        token=token,
    )
    errors = refused.data["configureTariff"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [
        ("VALUE_NOT_ALLOWED", "minutes"),
        ("VALUE_NOT_ALLOWED", "gigabytes"),
    ]
    done = await gateway.query(
        _mutation("configureTariff", "minutes: 200, gigabytes: 10"),
        {"m": number, "k": key()},
        token=token,
    )
    assert done.data["configureTariff"]["userErrors"] == []
    tariff = (await state(gateway, number))["tariff"]
    allowances = {a["kind"]: a["amount"] for a in tariff["allowances"]}
    assert allowances["VOICE"] == 200
    assert allowances["DATA"] == 10
    catalog = await gateway.runtime.ports.provisioning.catalog()
    constructor = catalog.tariff("T-CONSTRUCTOR")
    assert constructor is not None
    assert (
        Decimal(tariff["monthlyFee"]["amount"])
        == constructor.configured({"minutes": "200", "gigabytes": "10"}).monthly_fee.amount
    )


async def test_a_package_appears_as_a_new_quota(gateway: GatewayClient) -> None:
    number = "+79000000065"  # T-ONLINE
    token = gateway.subscriber_token(number)
    before = await state(gateway, number)
    answer = await gateway.query(
        _mutation("addPackage", 'packageId: "PKG-5GB"'), {"m": number, "k": key()}, token=token
    )
    assert answer.data["addPackage"]["userErrors"] == []
    after = await state(gateway, number)
    added = [q for q in after["balance"]["quotas"] if q not in before["balance"]["quotas"]]
    assert any(q["kind"] == "DATA" and q["total"] == 5 for q in added)
    assert money(after) == money(before) - 200


async def test_a_package_without_money_is_refused_before_ordering(
    gateway: GatewayClient, admins: dict[str, BackendAdmin]
) -> None:
    number = "+79000000003"  # T-ONLINE, -150 RUB
    await admins["provisioning"].reset()
    answer = await gateway.query(
        _mutation("addPackage", 'packageId: "PKG-1GB"'),
        {"m": number, "k": key()},
        token=gateway.subscriber_token(number),
    )
    assert [e["code"] for e in answer.data["addPackage"]["userErrors"]] == ["INSUFFICIENT_BALANCE"]
    assert await admins["provisioning"].count("/productOrder") == 0
