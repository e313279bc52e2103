"""Billing's TMF678 ``customerBillOnDemand`` routes: ordering a statement by e-mail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from backends.billing.events import publish
from backends.billing.keys import BILLING, SMS_PEER, STATEMENT_STEPS
from backends.billing.openapi_writes import STATEMENT_FILTERS
from backends.billing.resources import CUSTOMER_BILL
from backends.billing.statement_resources import statement_json
from backends.billing.statements import (
    StatementFormat,
    StatementRecord,
    StatementState,
    check_period,
    notice,
)
from backends.kit.bodies import characteristic_value, read_json_object, reference_id
from backends.kit.emails import checked_email
from backends.kit.errors import bad_request, invalid
from backends.kit.hub import HUB
from backends.kit.idempotency import idempotent
from backends.kit.ids import href
from backends.kit.listing import indexed_collection
from backends.kit.lookup import path_entity
from backends.kit.peer import PeerUnavailableError
from backends.kit.responses import json_response
from backends.kit.timestamps import parse_timestamp, utc_now

SMS_MESSAGES = "/tmf-api/communicationManagement/v4/communicationMessage"
SENDER = {"name": "Tele2", "email": "noreply@tele2.example"}

routes = web.RouteTableDef()


@routes.post(f"{CUSTOMER_BILL}/customerBillOnDemand")
@idempotent()
async def create_statement(request: web.Request) -> web.Response:
    app = request.app
    state = app[BILLING]
    body = await read_json_object(request)
    msisdn = reference_id(body, "billingAccount")
    start, end = _period(body.get("billingPeriod"))
    statement_format = _format(body.get("format", StatementFormat.PDF.value))
    email = checked_email(characteristic_value(body, "email"), "email")
    state.require_account(msisdn)
    check_period(start, end, state.world.today)
    now = utc_now()
    statement = StatementRecord(
        state.statements.new_id(),
        msisdn,
        start,
        end,
        statement_format,
        email,
        StatementState.IN_PROGRESS,
        created=now,
        updated=now,
    )
    state.statements.add(statement)
    publish(
        app[HUB],
        "CustomerBillOnDemandCreateEvent",
        "customerBillOnDemand",
        statement_json(statement),
    )

    async def send() -> bool:
        await _send(app, statement)
        return True

    await app[STATEMENT_STEPS].run(statement.id, send)
    return json_response(
        statement_json(statement),
        status=201,
        headers={"Location": href(f"{CUSTOMER_BILL}/customerBillOnDemand", statement.id)},
    )


async def _send(app: web.Application, statement: StatementRecord) -> None:
    """The statement's one step: e-mail the notice through the SMS gateway."""
    charges = app[BILLING].charges(statement.msisdn, statement.start, statement.end)
    subject, text = notice(statement, charges)
    message = {
        "messageType": "Email",
        "subject": subject,
        "content": text,
        "receiver": [{"email": statement.email}],
        "sender": SENDER,
    }
    try:
        # Keyed by the statement, so a step that is retried sends one e-mail.
        answer = await app[SMS_PEER].post(
            SMS_MESSAGES, message, f"statement-{statement.id}-{statement.created.timestamp()}"
        )
    except PeerUnavailableError as exc:
        statement.error = str(exc)
    else:
        if answer.status == 201 and isinstance(answer.body, dict):
            statement.message_id = str(answer.body.get("id"))
        else:
            statement.error = f"the SMS gateway refused the e-mail ({answer.status})"
    statement.state = (
        StatementState.DONE if statement.error is None else StatementState.TERMINATED_WITH_ERROR
    )
    statement.updated = utc_now()
    publish(
        app[HUB],
        "CustomerBillOnDemandStateChangeEvent",
        "customerBillOnDemand",
        statement_json(statement),
    )


@routes.get(f"{CUSTOMER_BILL}/customerBillOnDemand")
async def list_statements(request: web.Request) -> web.Response:
    return indexed_collection(
        request,
        STATEMENT_FILTERS,
        "billingAccount.id",
        request.app[BILLING].statements.of,
        statement_json,
    )


@routes.get(f"{CUSTOMER_BILL}/customerBillOnDemand/{{id}}")
async def get_statement(request: web.Request) -> web.Response:
    statement = path_entity(
        request, "customerBillOnDemand", request.app[BILLING].statements.statement
    )
    return json_response(statement_json(statement))


def _period(value: Any) -> tuple[datetime, datetime]:
    if not isinstance(value, dict):
        raise bad_request("'billingPeriod' must be {startDateTime, endDateTime}")
    try:
        return (
            parse_timestamp(str(value["startDateTime"])),
            parse_timestamp(str(value["endDateTime"])),
        )
    except (KeyError, ValueError):
        raise bad_request(
            "'billingPeriod' must hold RFC 3339 'startDateTime' and 'endDateTime'"
        ) from None


def _format(value: Any) -> StatementFormat:
    try:
        return StatementFormat(value)
    except ValueError:
        raise invalid("INVALID_FORMAT", f"'format' must be pdf or xlsx, not {value!r}") from None
