"""Billing's payments (TMF676), saved cards (TMF670), top-ups, autopays and the ledger."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from backends.runner import BackendsThread
from backends.wallet import saved_cards
from tests.backends.numbers import NumberPool
from tests.backends.reads import balance, ledger
from tests.backends.simulators import Simulators

PAYMENTS = "/tmf-api/paymentManagement/v4/payment"
METHODS = "/tmf-api/paymentMethod/v4/paymentMethod"
TOPUPS = "/tmf-api/prepayBalanceManagement/v4/topupBalance"
ADJUSTMENTS = "/tmf-api/prepayBalanceManagement/v4/adjustBalance"
CARD = {"@type": "tokenizedCard", "token": "tok_visa_4242", "lastFourDigits": "4242"}


def payment(msisdn: str, value: float, method: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "account": {"id": msisdn},
        "totalAmount": {"unit": "RUB", "value": value},
        "paymentMethod": method or CARD,
    }


def topup(msisdn: str, amount: float, payment_id: str) -> dict[str, Any]:
    return {
        "logicalResource": [{"id": msisdn}],
        "amount": {"amount": amount, "units": "RUB"},
        "payment": {"id": payment_id},
    }


async def test_saved_cards(sim: Simulators) -> None:
    (card,) = await sim.get_ok("billing", METHODS, **{"relatedParty.id": "+79000000001"})
    assert card["id"] == "PM-79000000001-1"
    assert card["@type"] == "bankCard"
    assert card["name"] == "Visa •••• 4242"
    assert card["lastFourDigits"] == "4242"
    assert card["isPreferred"] is True
    assert card["relatedParty"]["id"] == "+79000000001"
    assert await sim.get_ok("billing", f"{METHODS}/PM-79000000001-1") == card
    assert await sim.get_ok("billing", METHODS, **{"relatedParty.id": "+79000000008"}) == []
    assert (await sim.get("billing", METHODS)).status == 400
    assert (await sim.get("billing", f"{METHODS}/PM-79000000008-1")).status == 404


async def test_saved_cards_are_deterministic_and_few(backends: BackendsThread) -> None:
    world = backends.world
    counts = [len(saved_cards(world, s)) for s in world.subscribers]
    assert set(counts) <= {0, 1, 2}
    assert counts.count(0) > 0
    assert counts.count(2) > 0
    assert [saved_cards(world, s) for s in world.subscribers[:50]] == [
        saved_cards(world, s) for s in world.subscribers[:50]
    ]


async def test_a_payment_tops_up_once(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn()
    before = await balance(sim, msisdn)
    paid = await sim.post_created("billing", PAYMENTS, payment(msisdn, 500), key="pay-1")
    assert paid["status"] == "succeeded"
    assert paid["totalAmount"] == {"unit": "RUB", "value": 500}
    assert paid["paymentMethod"] == {
        "@type": "tokenizedCard",
        "name": "Карта •••• 4242",
        "lastFourDigits": "4242",
    }
    assert CARD["token"] not in str(paid)
    body = topup(msisdn, 500, paid["id"])

    first = await sim.post("billing", TOPUPS, body, key="topup-1")
    assert first.status == 201, first.body
    assert first.body["status"] == "completed"
    assert first.body["isAutoTopup"] is False
    assert first.body["payment"]["id"] == paid["id"]
    assert await balance(sim, msisdn) == before + 500

    again = await sim.post("billing", TOPUPS, body, key="topup-1")
    assert (again.status, again.body) == (first.status, first.body)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await balance(sim, msisdn) == before + 500

    reused = await sim.post("billing", TOPUPS, {**body, "description": "x"}, key="topup-1")
    assert reused.status == 409
    assert reused.body["code"] == "IDEMPOTENCY_KEY_REUSED"

    used = await sim.post("billing", TOPUPS, body, key="topup-2")
    assert used.status == 422
    assert used.body["code"] == "PAYMENT_ALREADY_USED"
    assert await balance(sim, msisdn) == before + 500

    (entry,) = await ledger(sim, msisdn)
    assert entry["id"] == first.body["id"]
    assert entry["amount"] == {"amount": 500, "units": "RUB"}
    assert entry["payment"] == {"id": paid["id"]}
    assert entry["idempotencyKey"] == "topup-1"
    assert Decimal(str(entry["balanceAfter"]["amount"])) == before + 500
    stored = await sim.get_ok("billing", f"{PAYMENTS}/{paid['id']}")
    assert stored["topupBalance"]["id"] == first.body["id"]


async def test_declined_payments_change_nothing(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn()
    before = await balance(sim, msisdn)
    declined = await sim.post_created(
        "billing",
        PAYMENTS,
        payment(msisdn, 300, {"@type": "tokenizedCard", "token": "tok_card_declined"}),
    )
    assert declined["status"] == "declined"
    assert declined["statusReason"] == "CARD_DECLINED"
    assert "authorizationCode" not in declined
    poor = await sim.post_created(
        "billing",
        PAYMENTS,
        payment(msisdn, 300, {"@type": "tokenizedCard", "token": "tok_insufficient_funds"}),
    )
    assert (poor["status"], poor["statusReason"]) == ("declined", "INSUFFICIENT_FUNDS")
    for refused in (declined, poor):
        reply = await sim.post("billing", TOPUPS, topup(msisdn, 300, refused["id"]))
        assert reply.status == 422
        assert reply.body["code"] == "PAYMENT_DECLINED"
    assert await balance(sim, msisdn) == before
    assert await ledger(sim, msisdn) == []


async def test_wallets_and_saved_cards(
    sim: Simulators, numbers: NumberPool, backends: BackendsThread
) -> None:
    world = backends.world
    owner = numbers.take(lambda s: len(saved_cards(world, s)) > 0)
    card = saved_cards(world, owner)[0]
    for method, name in (
        ({"@type": "digitalWallet", "service": "ApplePay", "token": "apple-tok"}, "Apple Pay"),
        ({"@type": "digitalWallet", "service": "GooglePay", "token": "gp-tok"}, "Google Pay"),
        ({"@type": "bankCard", "id": card.id}, card.name),
    ):
        paid = await sim.post_created("billing", PAYMENTS, payment(owner.msisdn, 100, method))
        assert paid["status"] == "succeeded"
        assert paid["paymentMethod"]["name"] == name
    declined_wallet = await sim.post_created(
        "billing",
        PAYMENTS,
        payment(
            owner.msisdn,
            100,
            {"@type": "digitalWallet", "service": "ApplePay", "token": "x-declined"},
        ),
    )
    assert declined_wallet["status"] == "declined"
    someone_else = numbers.msisdn()
    reply = await sim.post(
        "billing", PAYMENTS, payment(someone_else, 100, {"@type": "bankCard", "id": card.id})
    )
    assert reply.status == 422
    assert reply.body["code"] == "UNKNOWN_PAYMENT_METHOD"
    listed = await sim.get_ok("billing", PAYMENTS, **{"account.id": owner.msisdn})
    assert len(listed) == 4


async def test_bad_payments_are_refused_and_not_recorded(
    sim: Simulators, numbers: NumberPool
) -> None:
    msisdn = numbers.msisdn()
    cases: list[tuple[dict[str, Any], int, str]] = [
        (payment(msisdn, 0), 400, "INVALID_AMOUNT"),
        (payment(msisdn, 15000.01), 400, "INVALID_AMOUNT"),
        (payment(msisdn, 10.001), 400, "INVALID_AMOUNT"),
        (
            {**payment(msisdn, 10), "totalAmount": {"unit": "USD", "value": 10}},
            400,
            "INVALID_AMOUNT",
        ),
        (payment(msisdn, 10, {"@type": "cash"}), 400, "INVALID_PAYMENT_METHOD"),
        (payment(msisdn, 10, {"@type": "tokenizedCard"}), 400, "INVALID_PAYMENT_METHOD"),
        (
            payment(msisdn, 10, {"@type": "digitalWallet", "service": "SamsungPay", "token": "t"}),
            400,
            "INVALID_PAYMENT_METHOD",
        ),
        ({"totalAmount": {"unit": "RUB", "value": 10}, "paymentMethod": CARD}, 400, "BAD_REQUEST"),
        (payment("+79990000000", 10), 422, "UNKNOWN_NUMBER"),
    ]
    for body, status, code in cases:
        reply = await sim.post("billing", PAYMENTS, body)
        assert (reply.status, reply.body["code"]) == (status, code), body
    assert await sim.get_ok("billing", PAYMENTS, **{"account.id": msisdn}) == []
    # `amount` is taken when `totalAmount` is absent.
    body = payment(msisdn, 10)
    body["amount"] = body.pop("totalAmount")
    assert (await sim.post_created("billing", PAYMENTS, body))["amount"]["value"] == 10


async def test_top_ups_that_do_not_match_their_payment(
    sim: Simulators, numbers: NumberPool
) -> None:
    msisdn, other = numbers.msisdn(), numbers.msisdn()
    before = await balance(sim, msisdn)
    paid = await sim.post_created("billing", PAYMENTS, payment(msisdn, 200))
    cases = [
        (topup(msisdn, 200, "PAY-999999"), 422, "PAYMENT_NOT_FOUND"),
        (topup(msisdn, 250, paid["id"]), 422, "PAYMENT_MISMATCH"),
        (topup(other, 200, paid["id"]), 422, "PAYMENT_MISMATCH"),
        (topup(msisdn, 0, paid["id"]), 400, "INVALID_AMOUNT"),
        ({**topup(msisdn, 200, paid["id"]), "usageType": "data"}, 400, "BAD_REQUEST"),
        (topup("+79990000000", 200, paid["id"]), 422, "UNKNOWN_NUMBER"),
    ]
    for body, status, code in cases:
        reply = await sim.post("billing", TOPUPS, body)
        assert (reply.status, reply.body["code"]) == (status, code), body
    assert await balance(sim, msisdn) == before
    assert await sim.post_created("billing", TOPUPS, topup(msisdn, 200, paid["id"]))


async def test_concurrent_retries_with_one_key_act_once(
    sim: Simulators, numbers: NumberPool
) -> None:
    msisdn = numbers.msisdn()
    paid = await sim.post_created("billing", PAYMENTS, payment(msisdn, 150))
    body = topup(msisdn, 150, paid["id"])
    before = await balance(sim, msisdn)
    replies = await asyncio.gather(
        *(sim.post("billing", TOPUPS, body, key="same-retry") for _ in range(5))
    )
    assert {reply.status for reply in replies} == {201}
    assert len({reply.body["id"] for reply in replies}) == 1
    assert await balance(sim, msisdn) == before + 150
    assert len(await ledger(sim, msisdn)) == 1


async def test_autopays_replace_each_other_and_cancel(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn()
    monthly = await sim.post_created(
        "billing",
        TOPUPS,
        {
            "isAutoTopup": True,
            "logicalResource": [{"id": msisdn}],
            "amount": {"amount": 300, "units": "RUB"},
            "recurringPeriod": "monthly",
            "paymentMethod": CARD,
        },
    )
    assert (monthly["status"], monthly["isAutoTopup"]) == ("created", True)
    assert monthly["@type"] == "TopupBalance"
    assert monthly["recurringPeriod"] == "monthly"
    active = {"logicalResource.id": msisdn, "isAutoTopup": "true", "status": "created"}
    assert [t["id"] for t in await sim.get_ok("billing", TOPUPS, **active)] == [monthly["id"]]

    threshold = await sim.post_created(
        "billing",
        TOPUPS,
        {
            "@type": "AutoTopupBalance",
            "isAutoTopup": True,
            "logicalResource": [{"id": msisdn}],
            "amount": {"amount": 500, "units": "RUB"},
            "thresholdAmount": {"amount": 100, "units": "RUB"},
            "paymentMethod": {"@type": "digitalWallet", "service": "GooglePay", "token": "g"},
        },
    )
    assert threshold["@type"] == "AutoTopupBalance"
    assert threshold["thresholdAmount"] == {"amount": 100, "units": "RUB"}
    assert [t["id"] for t in await sim.get_ok("billing", TOPUPS, **active)] == [threshold["id"]]
    replaced = await sim.get_ok("billing", f"{TOPUPS}/{monthly['id']}")
    assert replaced["status"] == "cancelled"

    cancelled = await sim.patch("billing", f"{TOPUPS}/{threshold['id']}", {"status": "cancelled"})
    assert cancelled.status == 200
    assert cancelled.body["status"] == "cancelled"
    assert "cancellationDate" in cancelled.body
    again = await sim.patch("billing", f"{TOPUPS}/{threshold['id']}", {"status": "cancelled"})
    assert again.body == cancelled.body
    assert await sim.get_ok("billing", TOPUPS, **active) == []
    bad = await sim.patch("billing", f"{TOPUPS}/{threshold['id']}", {"status": "completed"})
    assert bad.status == 400
    assert (
        await sim.patch("billing", f"{TOPUPS}/TUB-999999", {"status": "cancelled"})
    ).status == 404

    # A one-off top-up cancelled is taken back off the balance, once.
    paid = await sim.post_created("billing", PAYMENTS, payment(msisdn, 50))
    one_off = await sim.post_created("billing", TOPUPS, topup(msisdn, 50, paid["id"]))
    reversed_ = await sim.patch("billing", f"{TOPUPS}/{one_off['id']}", {"status": "cancelled"})
    assert (reversed_.status, reversed_.body["status"]) == (200, "cancelled")
    again = await sim.patch("billing", f"{TOPUPS}/{one_off['id']}", {"status": "cancelled"})
    assert again.status == 200
    ledger = await sim.get_ok("billing", "/admin/ledger", msisdn=msisdn)
    assert [Decimal(str(e["amount"]["amount"])) for e in ledger if e["id"] == one_off["id"]] == [
        Decimal(50),
        Decimal(-50),
    ]


async def test_bad_autopays(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn()
    base = {
        "isAutoTopup": True,
        "logicalResource": [{"id": msisdn}],
        "amount": {"amount": 300, "units": "RUB"},
        "paymentMethod": CARD,
    }
    cases: list[tuple[dict[str, Any], str]] = [
        (base, "INVALID_AUTOPAY"),
        (
            {
                **base,
                "recurringPeriod": "monthly",
                "thresholdAmount": {"amount": 1, "units": "RUB"},
            },
            "INVALID_AUTOPAY",
        ),
        ({**base, "recurringPeriod": "weekly"}, "INVALID_AUTOPAY"),
        ({**base, "recurringPeriod": "monthly", "payment": {"id": "PAY-1"}}, "INVALID_AUTOPAY"),
        ({**base, "thresholdAmount": {"amount": -1, "units": "RUB"}}, "INVALID_AMOUNT"),
        (
            {**base, "recurringPeriod": "monthly", "paymentMethod": {"@type": "x"}},
            "INVALID_PAYMENT_METHOD",
        ),
    ]
    for body, code in cases:
        reply = await sim.post("billing", TOPUPS, body)
        assert (reply.status, reply.body["code"]) == (400, code), body
    assert await sim.get_ok("billing", TOPUPS, **{"logicalResource.id": msisdn}) == []


async def test_a_threshold_autopay_runs_when_a_charge_crosses_it(
    sim: Simulators, numbers: NumberPool
) -> None:
    # The threshold is the balance itself, so it must be one billing accepts (0-15,000 RUB).
    msisdn = numbers.msisdn(lambda s: 50 <= s.balance <= 15000)
    before = await balance(sim, msisdn)
    autopay = await sim.post_created(
        "billing",
        TOPUPS,
        {
            "isAutoTopup": True,
            "logicalResource": [{"id": msisdn}],
            "amount": {"amount": 300, "units": "RUB"},
            "thresholdAmount": {"amount": float(before), "units": "RUB"},
            "paymentMethod": CARD,
        },
    )
    charge = {
        "logicalResource": [{"id": msisdn}],
        "usageType": "monetary",
        "amount": {"amount": -10, "units": "RUB"},
    }
    await sim.post_created("billing", ADJUSTMENTS, charge)
    assert await balance(sim, msisdn) == before - 10 + 300
    (entry,) = await ledger(sim, msisdn)
    assert entry["idempotencyKey"] is None
    ran = await sim.get_ok("billing", f"{TOPUPS}/{entry['id']}")
    assert ran["balanceTopup"] == {
        "id": autopay["id"],
        "role": "parent",
        "@referredType": "TopupBalance",
    }
    assert ran["status"] == "completed"
    assert ran["isAutoTopup"] is False
