"""Statements ordered by e-mail (TMF678 customerBillOnDemand), delivered through the SMS
gateway's e-mail, and the gateway's e-mail inbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from backends.charges import history_start
from backends.kit.timestamps import format_timestamp, midnight
from backends.runner import BackendsConfig, RunningBackends, start_backends
from tests.backends.numbers import NumberPool
from tests.backends.simulators import Simulators

STATEMENTS = "/tmf-api/customerBillManagement/v4/customerBillOnDemand"
MESSAGES = "/tmf-api/communicationManagement/v4/communicationMessage"


def last_month() -> tuple[datetime, datetime]:
    today = datetime.now(UTC).date()
    first = date(today.year, today.month, 1)
    previous = (first - timedelta(days=1)).replace(day=1)
    return midnight(previous), midnight(first)


def statement(
    msisdn: str, start: datetime, end: datetime, email: str = "anna@example.ru", **extra: Any
) -> dict[str, Any]:
    return {
        "billingAccount": {"id": msisdn},
        "billingPeriod": {
            "startDateTime": format_timestamp(start),
            "endDateTime": format_timestamp(end),
        },
        "format": "pdf",
        "characteristic": [{"name": "email", "value": email}],
        **extra,
    }


async def test_a_statement_is_mailed(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn()
    email = f"statement-{msisdn[1:]}@example.ru"
    start, end = last_month()
    done = await sim.post_created("billing", STATEMENTS, statement(msisdn, start, end, email))
    assert done["state"] == "done"
    assert done["@type"] == "CustomerBillOnDemand"
    assert done["format"] == "pdf"
    assert done["billingPeriod"]["startDateTime"] == format_timestamp(start)
    characteristic = {c["name"]: c["value"] for c in done["characteristic"]}
    assert characteristic["email"] == email

    (mail,) = await sim.get_ok("sms", "/admin/messages", email=email)
    assert mail["id"] == characteristic["communicationMessageId"]
    assert mail["messageType"] == "Email"
    assert mail["receiver"] == [{"email": email}]
    assert mail["subject"] == done["name"]
    assert msisdn in mail["content"]
    listed = await sim.get_ok("sms", MESSAGES, **{"receiver.email": email})
    assert listed == [mail]
    assert await sim.get_ok("billing", f"{STATEMENTS}/{done['id']}") == done
    mine = await sim.get_ok("billing", STATEMENTS, **{"billingAccount.id": msisdn})
    assert [s["id"] for s in mine] == [done["id"]]


async def test_bad_statement_orders(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn()
    today = datetime.now(UTC).date()
    start, end = last_month()
    too_early = history_start(today) - timedelta(days=1)
    cases: list[tuple[dict[str, Any], int, str]] = [
        (statement(msisdn, too_early, end), 422, "INVALID_PERIOD"),
        (statement(msisdn, end, start), 422, "INVALID_PERIOD"),
        (statement(msisdn, start, midnight(today + timedelta(days=2))), 422, "INVALID_PERIOD"),
        (statement(msisdn, start, end, format="doc"), 400, "INVALID_FORMAT"),
        (statement(msisdn, start, end, email="not-an-address"), 400, "INVALID_EMAIL"),
        ({**statement(msisdn, start, end), "characteristic": []}, 400, "INVALID_EMAIL"),
        ({**statement(msisdn, start, end), "billingPeriod": {}}, 400, "BAD_REQUEST"),
        (statement("+79990000000", start, end), 422, "UNKNOWN_NUMBER"),
    ]
    for body, status, code in cases:
        reply = await sim.post("billing", STATEMENTS, body)
        assert (reply.status, reply.body["code"]) == (status, code), body
    assert await sim.get_ok("billing", STATEMENTS, **{"billingAccount.id": msisdn}) == []
    # Up to the end of today is fine.
    await sim.post_created(
        "billing", STATEMENTS, statement(msisdn, start, midnight(today + timedelta(days=1)))
    )


async def test_an_unreachable_sms_gateway_ends_the_statement_with_an_error(
    faults: Simulators, numbers: NumberPool
) -> None:
    msisdn = numbers.msisdn()
    start, end = last_month()
    await faults.set_faults("sms", error_rate=1.0)
    failed = await faults.post_created("billing", STATEMENTS, statement(msisdn, start, end))
    assert failed["state"] == "terminatedWithError"
    assert failed["errorMessage"][0]["code"] == "EMAIL_NOT_SENT"


async def test_email_messages(sim: Simulators) -> None:
    email = {
        "messageType": "Email",
        "subject": "Тема",
        "content": "Текст",
        "receiver": [{"email": "Mixed.Case@Example.ru"}],
        "sender": {"name": "Tele2", "email": "noreply@tele2.example"},
    }
    sent = await sim.post_created("sms", MESSAGES, email)
    assert sent["messageType"] == "Email"
    assert sent["receiver"] == [{"email": "Mixed.Case@Example.ru"}]
    assert sent["sender"]["email"] == "noreply@tele2.example"
    inbox = await sim.get_ok("sms", "/admin/messages", email="mixed.case@example.ru")
    assert [m["id"] for m in inbox] == [sent["id"]]
    for bad in (
        {**email, "receiver": [{"phoneNumber": "+79000000001"}]},
        {**email, "receiver": [{"email": "nobody"}]},
        {**email, "messageType": "Fax"},
    ):
        assert (await sim.post("sms", MESSAGES, bad)).status == 400


@pytest.fixture(scope="module")
async def manual() -> AsyncIterator[RunningBackends]:
    running = await start_backends(BackendsConfig(size=30, order_step_ms=3_600_000))
    yield running
    await running.stop()


async def test_a_statement_is_in_progress_until_its_step(manual: RunningBackends) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        sim = Simulators(session, manual.urls)
        start, end = last_month()
        email = "stepped@example.ru"
        placed = await sim.post_created(
            "billing", STATEMENTS, statement("+79000000020", start, end, email)
        )
        assert placed["state"] == "inProgress"
        assert await sim.get_ok("sms", "/admin/messages", email=email) == []
        advance = f"/admin/statements/{placed['id']}/advance"
        step = await sim.post("billing", advance, None)
        assert (step.status, step.body["state"]) == (200, "done")
        assert len(await sim.get_ok("sms", "/admin/messages", email=email)) == 1
        final = await sim.post("billing", advance, None)
        assert (final.status, final.body["code"]) == (409, "ALREADY_FINAL")
        assert (await sim.post("billing", "/admin/statements/CBOD-99/advance", None)).status == 404
