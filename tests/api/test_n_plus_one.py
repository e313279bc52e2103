"""A query over N numbers costs one call per backend resource, not N."""

from __future__ import annotations

from tests.api.queries import DASHBOARD, LINKED
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient

# Every per-number resource the subscriber fields read.
PER_NUMBER_ROUTES = {
    "billing": ["/bucket", "/appliedCustomerBillingRate"],
    "provisioning": ["/product", "/customer", "/permission"],
    "loyalty": ["/loyaltyProgramProduct"],
}


async def _per_route(admins: dict[str, BackendAdmin]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name, routes in PER_NUMBER_ROUTES.items():
        for route in routes:
            counts[f"{name} {route}"] = await admins[name].count(route)
    return counts


async def test_the_dashboard_over_50_numbers_costs_one_call_per_resource(
    gateway: GatewayClient, admins: dict[str, BackendAdmin]
) -> None:
    numbers = [f"+790000001{i:02d}" for i in range(50)]
    answer = await gateway.query(DASHBOARD, {"msisdns": numbers}, token=gateway.agent_token())

    assert answer.status == 200
    assert answer.errors == []
    subscribers = answer.data["subscribers"]
    assert [s["msisdn"] for s in subscribers] == numbers
    assert all(s["balance"] is not None and s["tariff"] is not None for s in subscribers)
    assert await _per_route(admins) == dict.fromkeys(await _per_route(admins), 1)


async def test_linked_numbers_data_costs_one_call_per_resource(
    gateway: GatewayClient, admins: dict[str, BackendAdmin]
) -> None:
    answer = await gateway.query(LINKED, token=gateway.subscriber_token("+79000000001"))

    assert answer.errors == []
    linked = answer.data["me"]["linkedNumbers"]
    assert {n["msisdn"] for n in linked} == {"+79000000005", "+79000000006"}
    assert all(n["subscriber"]["balance"] and n["subscriber"]["tariff"] for n in linked)
    assert await admins["provisioning"].count("/permission") == 1
    assert await admins["provisioning"].count("/product") == 1
    assert await admins["billing"].count("/bucket") == 1
