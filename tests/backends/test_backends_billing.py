"""Billing over HTTP: buckets (TMF654) and charges (TMF678)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.backends.simulators import Simulators

BUCKETS = "/tmf-api/prepayBalanceManagement/v4/bucket"
CHARGES = "/tmf-api/customerBillManagement/v4/appliedCustomerBillingRate"


async def test_the_demo_subscribers_buckets(sim: Simulators) -> None:
    buckets = await sim.get_ok("billing", BUCKETS, **{"logicalResource.id": "+79000000001"})
    by_type = {b["usageType"]: b for b in buckets}
    assert set(by_type) == {"monetary", "data", "voice", "sms"}
    money = by_type["monetary"]
    assert money["@type"] == "Bucket"
    assert money["remainingValue"] == {"amount": 412.5, "units": "RUB"}
    data = by_type["data"]
    assert data["@type"] == "QuotaBucket"
    assert data["remainingValue"] == {"amount": 12.25, "units": "GB"}
    assert data["initialValue"] == {"amount": 20, "units": "GB"}
    assert data["isUnlimited"] is False
    assert by_type["sms"]["isUnlimited"] is True
    next_charge = datetime.fromisoformat(data["validFor"]["endDateTime"])
    assert next_charge > datetime.now(UTC)
    for bucket in buckets:
        assert bucket["logicalResource"][0]["id"] == "+79000000001"
        assert bucket["href"].endswith(bucket["id"])


async def test_a_batch_of_three_numbers_gets_exactly_their_buckets(sim: Simulators) -> None:
    numbers = {"+79000000010", "+79000000020", "+79000000030"}
    buckets = await sim.get_ok("billing", BUCKETS, **{"logicalResource.id": ",".join(numbers)})
    assert {b["logicalResource"][0]["id"] for b in buckets} == numbers
    assert sum(b["usageType"] == "monetary" for b in buckets) == 3


async def test_a_literal_space_in_the_query_is_a_plus(sim: Simulators) -> None:
    # An unencoded '+' in a query string decodes as a space; the simulators undo that.
    url = sim.url("billing", f"{BUCKETS}?logicalResource.id=+79000000002&usageType=monetary")
    async with sim.session.get(url) as response:
        assert response.status == 200
        (bucket,) = await response.json()
    assert bucket["logicalResource"][0]["id"] == "+79000000002"
    assert bucket["remainingValue"]["amount"] == 0


async def test_an_unencoded_offset_in_a_time_filter(sim: Simulators) -> None:
    query = "billingAccount.id=+79000000001&date.gte=2026-01-01T03:00:00+03:00"
    async with sim.session.get(sim.url("billing", f"{CHARGES}?{query}")) as response:
        assert response.status == 200
        assert await response.json()


async def test_unlimited_and_pay_as_you_go_numbers(sim: Simulators) -> None:
    buckets = await sim.get_ok(
        "billing", BUCKETS, **{"logicalResource.id": "+79000000004,+79000000003,+79000000007"}
    )
    data = [b for b in buckets if b["logicalResource"][0]["id"] == "+79000000004"]
    assert any(b["usageType"] == "data" and b["isUnlimited"] for b in data)
    classic = [b for b in buckets if b["logicalResource"][0]["id"] == "+79000000007"]
    assert [b["usageType"] for b in classic] == ["monetary"]
    negative = [b for b in buckets if b["logicalResource"][0]["id"] == "+79000000003"]
    assert negative[0]["remainingValue"]["amount"] == -150


async def test_filters_and_paging(sim: Simulators) -> None:
    reply = await sim.get(
        "billing",
        BUCKETS,
        **{"logicalResource.id": "+79000000010,+79000000011,+79000000012", "usageType": "monetary"},
        limit="2",
        offset="1",
    )
    assert reply.status == 200
    assert len(reply.body) == 2
    assert reply.headers["X-Total-Count"] == "3"
    assert reply.headers["X-Result-Count"] == "2"
    assert all(b["usageType"] == "monetary" for b in reply.body)


async def test_unknown_numbers_are_just_absent(sim: Simulators) -> None:
    buckets = await sim.get_ok("billing", BUCKETS, **{"logicalResource.id": "+79990000000,junk"})
    assert buckets == []


async def test_one_bucket_by_id_and_an_unknown_one(sim: Simulators) -> None:
    bucket = await sim.get_ok("billing", f"{BUCKETS}/BKT-79000000001-data")
    assert bucket["remainingValue"]["amount"] == 12.25
    for unknown in ("BKT-79000000001-nothing", "BKT-79999999999-data", "whatever"):
        reply = await sim.get("billing", f"{BUCKETS}/{unknown}")
        assert reply.status == 404
        assert reply.body["@type"] == "Error"
        assert reply.body["status"] == "404"
        assert reply.body["code"] == "NOT_FOUND"


async def test_bad_query_parameters_are_400(sim: Simulators) -> None:
    for params in ({"logicalResourceId": "+79000000001"}, {"limit": "-1"}, {"offset": "x"}):
        reply = await sim.get("billing", BUCKETS, **params)
        assert reply.status == 400, params
        assert reply.body["@type"] == "Error"
        assert reply.body["code"] == "BAD_REQUEST"


async def test_charges_of_a_batch_in_a_window(sim: Simulators) -> None:
    everything = await sim.get_ok(
        "billing", CHARGES, **{"billingAccount.id": "+79000000001,+79000000007"}
    )
    assert {c["billingAccount"]["id"] for c in everything} == {"+79000000001", "+79000000007"}
    kinds = {c["type"] for c in everything}
    assert {"subscription", "voice", "sms", "data"} <= kinds
    assert all(c["taxIncludedAmount"]["unit"] == "RUB" for c in everything)
    dates = sorted(c["date"] for c in everything)
    middle = dates[len(dates) // 2]
    later = await sim.get_ok(
        "billing",
        CHARGES,
        **{"billingAccount.id": "+79000000001,+79000000007", "date.gte": middle},
    )
    assert later
    assert all(c["date"] >= middle for c in later)
    assert len(later) < len(everything)
    fees = await sim.get_ok(
        "billing", CHARGES, **{"billingAccount.id": "+79000000001", "type": "subscription"}
    )
    assert fees
    assert {c["taxIncludedAmount"]["value"] for c in fees} == {600}
    one = await sim.get_ok("billing", f"{CHARGES}/{fees[0]['id']}")
    assert one == fees[0]


async def test_charges_need_numbers_and_valid_dates(sim: Simulators) -> None:
    assert (await sim.get("billing", CHARGES)).status == 400
    reply = await sim.get(
        "billing", CHARGES, **{"billingAccount.id": "+79000000001", "date.gte": "yesterday"}
    )
    assert reply.status == 400
    assert (await sim.get("billing", f"{CHARGES}/ACBR-79000000001-199001-1")).status == 404


async def test_wrong_method_and_route_get_tmf_errors(sim: Simulators) -> None:
    reply = await sim.request("DELETE", "billing", BUCKETS)
    assert reply.status == 405
    assert reply.body["@type"] == "Error"
    reply = await sim.get("billing", "/tmf-api/nothing/here")
    assert reply.status == 404
    assert reply.body["code"] == "NOT_FOUND"
