"""Statements as TMF678 ``CustomerBillOnDemand`` bodies (with the simulator's extensions:
``billingPeriod``, ``format``, the e-mail as a characteristic, ``errorMessage``, and
``orderDate``: TMF678 gives an on-demand bill only ``lastUpdate``, which moves when the
e-mail goes out, and a subscriber's list of statements shows when each was ordered)."""

from __future__ import annotations

from typing import Any

from backends.billing.resources import CUSTOMER_BILL
from backends.billing.statements import StatementRecord
from backends.kit.ids import href
from backends.kit.timestamps import format_timestamp

EMAIL_NOT_SENT = "EMAIL_NOT_SENT"


def statement_json(statement: StatementRecord) -> dict[str, Any]:
    characteristic: list[dict[str, Any]] = [{"name": "email", "value": statement.email}]
    if statement.message_id is not None:
        characteristic.append({"name": "communicationMessageId", "value": statement.message_id})
    body: dict[str, Any] = {
        "id": statement.id,
        "href": href(f"{CUSTOMER_BILL}/customerBillOnDemand", statement.id),
        "@type": "CustomerBillOnDemand",
        "name": statement.name,
        "state": statement.state.value,
        "lastUpdate": format_timestamp(statement.updated),
        "orderDate": format_timestamp(statement.created),
        "billingAccount": {"id": statement.msisdn, "@referredType": "BillingAccount"},
        "relatedParty": {"id": statement.msisdn, "role": "customer", "@referredType": "Customer"},
        "billingPeriod": {
            "startDateTime": format_timestamp(statement.start),
            "endDateTime": format_timestamp(statement.end),
        },
        "format": statement.format.value,
        "characteristic": characteristic,
    }
    if statement.error is not None:
        body["errorMessage"] = [
            {"code": EMAIL_NOT_SENT, "reason": "E-mail not sent", "message": statement.error}
        ]
    return body
