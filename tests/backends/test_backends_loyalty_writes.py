"""Joining the loyalty programme and activating partner offers (TMF658)."""

from __future__ import annotations

import re
from typing import Any

from backends.runner import BackendsThread
from tests.backends.numbers import NumberPool
from tests.backends.simulators import Simulators

MEMBERS = "/tmf-api/loyalty/v4/loyaltyProgramMember"
ACTIVATIONS = "/tmf-api/loyalty/v4/loyaltyProgramProduct"


def membership(msisdn: str, email: str | None = "new@example.ru", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"relatedParty": [{"id": msisdn, "role": "member"}], **extra}
    if email is not None:
        body["characteristic"] = [{"name": "email", "value": email}]
    return body


def activation(msisdn: str, promotion_id: str) -> dict[str, Any]:
    return {
        "relatedParty": [{"id": msisdn, "role": "member"}],
        "loyaltyProgramProductSpec": {"id": promotion_id},
    }


async def test_join_activate_and_the_duplicates(
    sim: Simulators, numbers: NumberPool, backends: BackendsThread
) -> None:
    msisdn = numbers.non_member()
    refused = await sim.post("loyalty", ACTIVATIONS, activation(msisdn, "PROMO-2"))
    assert (refused.status, refused.body["code"]) == (422, "NOT_A_MEMBER")

    member = await sim.post_created("loyalty", MEMBERS, membership(msisdn, name="Пётр"))
    assert member["status"] == "active"
    assert member["name"] == "Пётр"
    assert member["relatedParty"][0]["id"] == msisdn
    assert member["characteristic"] == [{"name": "email", "value": "new@example.ru"}]
    listed = await sim.get_ok("loyalty", MEMBERS, **{"relatedParty.id": msisdn})
    assert listed == [member]
    twice = await sim.post("loyalty", MEMBERS, membership(msisdn))
    assert (twice.status, twice.body["code"]) == (409, "ALREADY_MEMBER")

    activated = await sim.post_created("loyalty", ACTIVATIONS, activation(msisdn, "PROMO-2"))
    assert activated["productStatus"] == "active"
    assert activated["loyaltyProgramProductSpec"] == {"id": "PROMO-2"}
    (code,) = activated["characteristic"]
    assert code["name"] == "promoCode"
    assert re.fullmatch(r"SHOP-[A-Z2-9]{4}", code["value"])
    again = await sim.post("loyalty", ACTIVATIONS, activation(msisdn, "PROMO-2"))
    assert (again.status, again.body["code"]) == (409, "ALREADY_ACTIVE")
    other = await sim.post_created("loyalty", ACTIVATIONS, activation(msisdn, "PROMO-3"))
    assert other["characteristic"][0]["value"].startswith("KINO-")
    mine = await sim.get_ok("loyalty", ACTIVATIONS, **{"relatedParty.id": msisdn})
    assert {a["id"] for a in mine} == {activated["id"], other["id"]}


async def test_the_name_defaults_to_the_subscribers(
    sim: Simulators, numbers: NumberPool, backends: BackendsThread
) -> None:
    msisdn = numbers.non_member()
    member = await sim.post_created("loyalty", MEMBERS, membership(msisdn))
    subscriber = backends.world.subscriber(msisdn)
    assert subscriber is not None
    assert member["name"] == subscriber.name


async def test_bad_memberships_and_activations(
    sim: Simulators, numbers: NumberPool, backends: BackendsThread
) -> None:
    msisdn = numbers.non_member()
    for body, status, code in (
        (membership(msisdn, email=None), 400, "EMAIL_REQUIRED"),
        (membership(msisdn, email="nope"), 400, "INVALID_EMAIL"),
        (membership("+79990000000"), 422, "UNKNOWN_NUMBER"),
        ({"characteristic": [{"name": "email", "value": "a@b.ru"}]}, 400, "BAD_REQUEST"),
    ):
        reply = await sim.post("loyalty", MEMBERS, body)
        assert (reply.status, reply.body["code"]) == (status, code), body
    assert await sim.get_ok("loyalty", MEMBERS, **{"relatedParty.id": msisdn}) == []
    missing = await sim.post("loyalty", ACTIVATIONS, activation("+79000000001", "PROMO-0"))
    assert (missing.status, missing.body["code"]) == (404, "UNKNOWN_PROMOTION")
    unknown = await sim.post("loyalty", ACTIVATIONS, activation("+79990000000", "PROMO-1"))
    assert (unknown.status, unknown.body["code"]) == (422, "UNKNOWN_NUMBER")
    demo = await sim.post("loyalty", ACTIVATIONS, activation("+79000000001", "PROMO-1"))
    assert (demo.status, demo.body["code"]) == (409, "ALREADY_ACTIVE")
