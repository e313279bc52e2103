"""Loyalty over HTTP: partner offers, activations with promo codes, membership."""

from __future__ import annotations

from tests.backends.simulators import Simulators

PROMOTIONS = "/tmf-api/promotionManagement/v4/promotion"
ACTIVATIONS = "/tmf-api/loyalty/v4/loyaltyProgramProduct"
MEMBERS = "/tmf-api/loyalty/v4/loyaltyProgramMember"


async def test_partner_offers(sim: Simulators) -> None:
    promotions = await sim.get_ok("loyalty", PROMOTIONS)
    assert len(promotions) == 8
    assert {p["promotionType"] for p in promotions} == {"discount", "cashback", "gift"}
    for promotion in promotions:
        assert promotion["relatedParty"][0]["role"] == "partner"
        assert promotion["validFor"]["startDateTime"] < promotion["validFor"]["endDateTime"]
    gifts = await sim.get_ok("loyalty", PROMOTIONS, promotionType="gift")
    assert gifts
    assert all(p["promotionType"] == "gift" for p in gifts)
    assert (await sim.get_ok("loyalty", f"{PROMOTIONS}/PROMO-1"))["name"] == "Скидка 20% на такси"
    assert (await sim.get("loyalty", f"{PROMOTIONS}/PROMO-0")).status == 404


async def test_the_demo_subscribers_activation_and_membership(sim: Simulators) -> None:
    (activation,) = await sim.get_ok("loyalty", ACTIVATIONS, **{"relatedParty.id": "+79000000001"})
    assert activation["loyaltyProgramProductSpec"]["id"] == "PROMO-1"
    assert activation["characteristic"] == [{"name": "promoCode", "value": "TAXI-7Q4F"}]
    assert await sim.get_ok("loyalty", f"{ACTIVATIONS}/{activation['id']}") == activation
    (member,) = await sim.get_ok("loyalty", MEMBERS, **{"relatedParty.id": "+79000000001"})
    assert member["status"] == "active"
    assert member["name"] == "Анна Смирнова"
    assert await sim.get_ok("loyalty", f"{MEMBERS}/{member['id']}") == member


async def test_a_batch_and_a_non_member(sim: Simulators) -> None:
    members = await sim.get_ok("loyalty", MEMBERS)
    numbers = [m["relatedParty"][0]["id"] for m in members[:3]]
    batch = await sim.get_ok("loyalty", MEMBERS, **{"relatedParty.id": ",".join(numbers)})
    assert [m["relatedParty"][0]["id"] for m in batch] == numbers
    assert "+79000000008" not in {m["relatedParty"][0]["id"] for m in members}
    assert await sim.get_ok("loyalty", MEMBERS, **{"relatedParty.id": "+79000000008"}) == []
    assert await sim.get_ok("loyalty", ACTIVATIONS, **{"relatedParty.id": "+79000000008"}) == []
    activations = await sim.get_ok("loyalty", ACTIVATIONS, **{"relatedParty.id": ",".join(numbers)})
    assert {a["relatedParty"][0]["id"] for a in activations} <= set(numbers)
    assert (await sim.get("loyalty", f"{MEMBERS}/LPM-0")).status == 404
    assert (await sim.get("loyalty", f"{ACTIVATIONS}/LPP-0")).status == 404
    assert (await sim.get("loyalty", MEMBERS, memberId="1")).status == 400
