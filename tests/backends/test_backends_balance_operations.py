"""Billing's gigabyte transfers and balance adjustments (TMF654)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from backends.dataset import Subscriber
from tests.backends.numbers import NumberPool
from tests.backends.reads import balance, buckets, data_left
from tests.backends.simulators import Simulators

TRANSFERS = "/tmf-api/prepayBalanceManagement/v4/transferBalance"
ADJUSTMENTS = "/tmf-api/prepayBalanceManagement/v4/adjustBalance"


def has_data(gigabytes: int) -> Callable[[Subscriber], bool]:
    def where(subscriber: Subscriber) -> bool:
        return any(
            q.characteristic.usage_type == "data" and not q.unlimited and q.remaining >= gigabytes
            for q in subscriber.quotas
        )

    return where


def without_packages_on(tariff_id: str) -> Callable[[Subscriber], bool]:
    return lambda subscriber: subscriber.tariff_id == tariff_id and not subscriber.packages


def transfer(sender: str, receiver: str, gigabytes: Any) -> dict[str, Any]:
    return {
        "usageType": "data",
        "logicalResource": [{"id": sender}],
        "receiverLogicalResource": {"id": receiver},
        "amount": {"amount": gigabytes, "units": "GB"},
    }


async def test_a_transfer_moves_gigabytes_both_ways(sim: Simulators, numbers: NumberPool) -> None:
    sender = numbers.msisdn(has_data(3))
    receiver = numbers.msisdn()
    sender_before = await data_left(sim, sender)
    receiver_before = await data_left(sim, receiver)

    done = await sim.post_created("billing", TRANSFERS, transfer(sender, receiver, 3), key="gift")
    assert done["status"] == "completed"
    assert done["amount"] == {"amount": 3, "units": "GB"}
    assert done["receiverLogicalResource"]["id"] == receiver
    assert await data_left(sim, sender) == sender_before - 3
    assert await data_left(sim, receiver) == receiver_before + 3

    (gift,) = [b for b in await buckets(sim, receiver) if b["id"] == done["receiverBucket"]["id"]]
    assert gift["name"] == f"Подарок от {sender}"
    assert gift["@type"] == "QuotaBucket"
    assert gift["initialValue"] == {"amount": 3, "units": "GB"}
    assert "product" not in gift
    ends = datetime.fromisoformat(gift["validFor"]["endDateTime"])
    starts = datetime.fromisoformat(gift["validFor"]["startDateTime"])
    assert ends - starts == timedelta(days=30)
    assert starts <= datetime.now(UTC)

    again = await sim.post("billing", TRANSFERS, transfer(sender, receiver, 3), key="gift")
    assert again.body == done
    assert await data_left(sim, sender) == sender_before - 3
    assert await sim.get_ok("billing", f"{TRANSFERS}/{done['id']}") == done
    listed = await sim.get_ok("billing", TRANSFERS, **{"receiverLogicalResource.id": receiver})
    assert [t["id"] for t in listed] == [done["id"]]


async def test_transfers_that_are_refused_change_nothing(
    sim: Simulators, numbers: NumberPool
) -> None:
    sender = numbers.take(has_data(1))
    receiver = numbers.msisdn()
    left = await data_left(sim, sender.msisdn)
    too_much = int(left) + 1
    cases: list[tuple[dict[str, Any], int, str]] = [
        (transfer(sender.msisdn, receiver, 0), 400, "INVALID_AMOUNT"),
        (transfer(sender.msisdn, receiver, 31), 400, "INVALID_AMOUNT"),
        (transfer(sender.msisdn, receiver, 1.5), 400, "INVALID_AMOUNT"),
        (
            {**transfer(sender.msisdn, receiver, 1), "amount": {"amount": 1, "units": "MB"}},
            400,
            "INVALID_AMOUNT",
        ),
        (transfer(sender.msisdn, sender.msisdn, 1), 400, "SELF_TRANSFER"),
        ({**transfer(sender.msisdn, receiver, 1), "usageType": "voice"}, 400, "BAD_REQUEST"),
        (transfer(sender.msisdn, "+79990000000", 1), 422, "UNKNOWN_RECEIVER"),
        (transfer("+79990000000", receiver, 1), 422, "UNKNOWN_NUMBER"),
    ]
    if too_much <= 30:
        cases.append((transfer(sender.msisdn, receiver, too_much), 422, "INSUFFICIENT_BALANCE"))
    for body, status, code in cases:
        reply = await sim.post("billing", TRANSFERS, body)
        assert (reply.status, reply.body["code"]) == (status, code), body
    assert await data_left(sim, sender.msisdn) == left
    assert not [b for b in await buckets(sim, receiver) if b["name"].startswith("Подарок")]


async def test_unlimited_and_pay_as_you_go_have_nothing_to_give(
    sim: Simulators, numbers: NumberPool
) -> None:
    receiver = numbers.msisdn()
    for tariff in ("T-UNLIM", "T-CLASSIC"):
        sender = numbers.msisdn(without_packages_on(tariff))
        reply = await sim.post("billing", TRANSFERS, transfer(sender, receiver, 1))
        assert (reply.status, reply.body["code"]) == (422, "INSUFFICIENT_BALANCE")


async def test_charges_and_credits(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn(lambda s: Decimal(20) <= s.balance <= Decimal(1000))
    before = await balance(sim, msisdn)

    def money(amount: Any, **extra: Any) -> dict[str, Any]:
        return {
            "logicalResource": [{"id": msisdn}],
            "usageType": "monetary",
            "amount": {"amount": amount, "units": "RUB"},
            **extra,
        }

    charged = await sim.post_created("billing", ADJUSTMENTS, money(-20, reason="Пакет"))
    assert charged["status"] == "completed"
    assert charged["bucket"]["id"] == f"BKT-{msisdn[1:]}-monetary"
    assert await balance(sim, msisdn) == before - 20

    short = await sim.post("billing", ADJUSTMENTS, money(-(float(before) + 1)))
    assert (short.status, short.body["code"]) == (422, "INSUFFICIENT_BALANCE")
    assert await balance(sim, msisdn) == before - 20

    forced = await sim.post_created(
        "billing", ADJUSTMENTS, money(-(float(before) + 1), allowNegative=True)
    )
    assert forced["amount"]["amount"] == -(float(before) + 1)
    assert await balance(sim, msisdn) == -21

    await sim.post_created("billing", ADJUSTMENTS, money(121.5))
    assert await balance(sim, msisdn) == Decimal("100.5")

    for body, status, code in (
        (money(0), 400, "INVALID_AMOUNT"),
        (money(1.001), 400, "INVALID_AMOUNT"),
        ({**money(1), "amount": {"amount": 1, "units": "GB"}}, 400, "INVALID_AMOUNT"),
        (money(1, bucket={"id": f"BKT-{msisdn[1:]}-data"}), 422, "UNKNOWN_BUCKET"),
        ({**money(1), "usageType": "bitcoin"}, 400, "BAD_REQUEST"),
        ({**money(1), "logicalResource": [{"id": "+79990000000"}]}, 422, "UNKNOWN_NUMBER"),
    ):
        reply = await sim.post("billing", ADJUSTMENTS, body)
        assert (reply.status, reply.body["code"]) == (status, code), body
    assert await balance(sim, msisdn) == Decimal("100.5")
    listed = await sim.get_ok("billing", ADJUSTMENTS, **{"logicalResource.id": msisdn})
    assert len(listed) == 3


async def test_quota_adjustments(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn(has_data(1))
    before = await data_left(sim, msisdn)
    package = await sim.post_created(
        "billing",
        ADJUSTMENTS,
        {
            "logicalResource": [{"id": msisdn}],
            "usageType": "data",
            "amount": {"amount": 5, "units": "GB"},
            "name": "+5 ГБ",
            "product": [{"id": f"PRD-{msisdn[1:]}-pkg-7"}],
            "validFor": {
                "startDateTime": "2026-01-01T00:00:00Z",
                "endDateTime": "2099-01-31T00:00:00Z",
            },
        },
    )
    bucket_id = package["bucket"]["id"]
    assert bucket_id.startswith(f"BKT-{msisdn[1:]}-pkg-")
    (bucket,) = [b for b in await buckets(sim, msisdn) if b["id"] == bucket_id]
    assert bucket["name"] == "+5 ГБ"
    assert bucket["product"] == [{"id": f"PRD-{msisdn[1:]}-pkg-7", "@referredType": "Product"}]
    assert bucket["validFor"]["endDateTime"] == "2099-01-31T00:00:00Z"
    assert await data_left(sim, msisdn) == before + 5

    shrink = {
        "logicalResource": [{"id": msisdn}],
        "usageType": "data",
        "bucket": {"id": bucket_id},
        "amount": {"amount": -2, "units": "GB"},
    }
    await sim.post_created("billing", ADJUSTMENTS, shrink)
    assert await data_left(sim, msisdn) == before + 3
    too_much = {**shrink, "amount": {"amount": -4, "units": "GB"}}
    reply = await sim.post("billing", ADJUSTMENTS, too_much)
    assert (reply.status, reply.body["code"]) == (422, "INSUFFICIENT_BALANCE")
    voice = await sim.post_created(
        "billing",
        ADJUSTMENTS,
        {
            "logicalResource": [{"id": msisdn}],
            "usageType": "voice",
            "amount": {"amount": 100, "units": "min"},
        },
    )
    (minutes,) = [b for b in await buckets(sim, msisdn) if b["id"] == voice["bucket"]["id"]]
    assert minutes["remainingValue"] == {"amount": 100, "units": "min"}
    assert minutes["name"] == "Пакет"
    negative_new = {**shrink}
    del negative_new["bucket"]
    reply = await sim.post("billing", ADJUSTMENTS, negative_new)
    assert (reply.status, reply.body["code"]) == (400, "INVALID_AMOUNT")
