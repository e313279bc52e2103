"""Holding one backend call exactly where a test wants a caller stopped: the payment
operations' `hang` (before acting) and `hang_after` (acted, the answer held), and the kit's
`hang_path` (changes on one path held, the rest served). A held request whose caller has
gone by its release is dropped with nothing done, as a request from a killed process."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.backends.numbers import NumberPool
from tests.backends.simulators import Simulators

PAYMENTS = "/tmf-api/paymentManagement/v4/payment"
TOPUPS = "/tmf-api/prepayBalanceManagement/v4/topupBalance"
CARD = {"@type": "tokenizedCard", "token": "tok_visa_4242", "lastFourDigits": "4242"}
BOUND = 10.0


@pytest.fixture
async def holds(faults: Simulators) -> AsyncIterator[Simulators]:
    """The client, billing's request counts zeroed, every payment operation's fault
    cleared after the test."""
    assert (await faults.delete("billing", "/admin/requests")).status in (200, 204)
    yield faults
    await put_payment_faults(faults, capture="", authorize="")


async def put_payment_faults(sim: Simulators, **modes: str) -> Any:
    reply = await sim.request("PUT", "billing", "/admin/payment-faults", body=modes)
    assert reply.status == 200, reply.body
    return reply.body


async def authorized(sim: Simulators, msisdn: str) -> str:
    body = {
        "account": {"id": msisdn},
        "totalAmount": {"unit": "RUB", "value": 10},
        "paymentMethod": CARD,
        "authorizeOnly": True,
    }
    paid = await sim.post_created("billing", PAYMENTS, body, key=uuid.uuid4().hex)
    assert paid["status"] == "authorized"
    return str(paid["id"])


async def status(sim: Simulators, payment_id: str) -> str:
    return str((await sim.get_ok("billing", f"{PAYMENTS}/{payment_id}"))["status"])


async def until(sim: Simulators, condition: Any, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BOUND
    while not await condition():
        assert loop.time() < deadline, what
        # The simulator acts on its own: nothing to await but looking again.
        await asyncio.sleep(0.02)


async def arrived(sim: Simulators, route_part: str) -> bool:
    counts = await sim.get_ok("billing", "/admin/requests")
    return any(
        route.startswith("POST ") and route_part in route and n for route, n in counts.items()
    )


async def test_the_modes_read_back_and_bad_ones_are_400(holds: Simulators) -> None:
    assert (await put_payment_faults(holds, capture="hang_after"))["capture"] == "hang_after"
    reply = await holds.request("PUT", "billing", "/admin/payment-faults", body={"capture": "x"})
    assert reply.status == 400


async def test_hang_holds_a_capture_before_it_acts(holds: Simulators, numbers: NumberPool) -> None:
    payment_id = await authorized(holds, numbers.msisdn())
    await put_payment_faults(holds, capture="hang")
    pending = asyncio.ensure_future(
        holds.post("billing", f"{PAYMENTS}/{payment_id}/capture", {}, key=uuid.uuid4().hex)
    )
    await until(holds, lambda: arrived(holds, "/capture"), "the capture arrived")
    assert await status(holds, payment_id) == "authorized"  # held before acting
    assert not pending.done()
    await put_payment_faults(holds, capture="")
    reply = await asyncio.wait_for(pending, BOUND)
    assert reply.status == 200, reply.body
    assert await status(holds, payment_id) == "captured"


async def test_hang_after_acts_and_holds_the_answer(holds: Simulators, numbers: NumberPool) -> None:
    payment_id = await authorized(holds, numbers.msisdn())
    await put_payment_faults(holds, capture="hang_after")
    pending = asyncio.ensure_future(
        holds.post("billing", f"{PAYMENTS}/{payment_id}/capture", {}, key=uuid.uuid4().hex)
    )

    async def captured() -> bool:
        return await status(holds, payment_id) == "captured"

    await until(holds, captured, "the capture acted")
    assert not pending.done()  # its answer is still held
    await put_payment_faults(holds, capture="")
    assert (await asyncio.wait_for(pending, BOUND)).status == 200


async def test_a_held_capture_whose_caller_died_does_nothing(
    holds: Simulators, numbers: NumberPool
) -> None:
    payment_id = await authorized(holds, numbers.msisdn())
    await put_payment_faults(holds, capture="hang")
    url = holds.url("billing", f"{PAYMENTS}/{payment_id}/capture")
    async with aiohttp.ClientSession() as doomed:
        pending = asyncio.ensure_future(
            doomed.post(url, json={}, headers={"Idempotency-Key": uuid.uuid4().hex})
        )
        await until(holds, lambda: arrived(holds, "/capture"), "the capture arrived")
        pending.cancel()
    # The caller is gone (its connection closed); released, the capture must not act: a
    # void sent now finds the payment still only authorized.
    await put_payment_faults(holds, capture="")
    voided = await holds.post("billing", f"{PAYMENTS}/{payment_id}/void", {}, key="v" * 8)
    assert voided.status == 200, voided.body
    assert await status(holds, payment_id) == "voided"


async def test_hang_path_holds_only_changes_on_that_path(
    holds: Simulators, numbers: NumberPool
) -> None:
    msisdn = numbers.msisdn()
    await holds.set_faults("billing", hang_path="topupBalance")
    # A payment (another path) goes through; so does a read of the held path.
    body = {"account": {"id": msisdn}, "totalAmount": {"unit": "RUB", "value": 10}}
    paid = await holds.post_created(
        "billing", PAYMENTS, {**body, "paymentMethod": CARD}, key=uuid.uuid4().hex
    )
    assert (await holds.get("billing", TOPUPS, **{"logicalResource.id": msisdn})).status == 200
    topup = {
        "logicalResource": [{"id": msisdn}],
        "amount": {"amount": 10, "units": "RUB"},
        "payment": {"id": paid["id"]},
    }
    pending = asyncio.ensure_future(holds.post("billing", TOPUPS, topup, key=uuid.uuid4().hex))
    await until(holds, lambda: arrived(holds, "topupBalance"), "the top-up arrived")
    assert not pending.done()
    assert await holds.get_ok("billing", TOPUPS, **{"logicalResource.id": msisdn}) == []
    await holds.set_faults("billing", hang_path="")
    assert (await asyncio.wait_for(pending, BOUND)).status == 201
