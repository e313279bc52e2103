"""The OpenAPI paths and schemas of billing's write side: payments (TMF676), saved cards
(TMF670), top-ups, transfers and adjustments (TMF654), statements (TMF678), the hub and
billing's admin routes. The filter tables are also what the routes accept.

docs/backends.md ("Changes") is the contract; this document lists the same routes.
"""

from __future__ import annotations

from typing import Any

from backends.billing.payment_resources import PAYMENT_MANAGEMENT, PAYMENT_METHODS
from backends.billing.resources import CUSTOMER_BILL, PREPAY_BALANCE
from backends.kit.openapi import (
    BOOLEAN,
    DATE_TIME,
    IDEMPOTENCY_PARAMETER,
    STRING,
    action_operation,
    admin_list_operation,
    array,
    create_operation,
    entity,
    get_operation,
    hub_paths,
    list_operation,
    obj,
    ref,
    update_operation,
)

PAYMENT_FILTERS = {
    "account.id": "MSISDNs; the batch key",
    "status": "succeeded, declined, authorized, captured or voided",
    "correlatorId": "the caller's key the payment was made with",
}
PAYMENT_METHOD_FILTERS = {
    "relatedParty.id": "MSISDNs (the owners); required",
    "@type": "bankCard",
}
TOPUP_FILTERS = {
    "logicalResource.id": "MSISDNs; the batch key",
    "isAutoTopup": "true (autopays) or false (top-ups that ran)",
    "status": "created (an autopay in force), completed, cancelled or failed",
}
TRANSFER_FILTERS = {
    "logicalResource.id": "senders' MSISDNs",
    "receiverLogicalResource.id": "receivers' MSISDNs",
}
ADJUSTMENT_FILTERS = {
    "logicalResource.id": "MSISDNs; the batch key",
    "usageType": "monetary, data, voice or sms",
}
STATEMENT_FILTERS = {
    "billingAccount.id": "MSISDNs; the batch key",
    "state": "inProgress, done or terminatedWithError",
}

_REFS = array(ref("EntityRef"))
_PAYMENT_METHOD_REF = obj(
    {
        "@type": {"type": "string", "enum": ["bankCard", "tokenizedCard", "digitalWallet"]},
        "id": STRING,
        "token": STRING,
        "service": {"type": "string", "enum": ["ApplePay", "GooglePay"]},
        "lastFourDigits": STRING,
        "name": STRING,
    },
    ["@type"],
)
_PAYMENT_CREATE = obj(
    {
        "account": ref("EntityRef"),
        "totalAmount": ref("Money"),
        "amount": ref("Money"),
        "paymentMethod": _PAYMENT_METHOD_REF,
        "description": STRING,
        "authorizeOnly": BOOLEAN,
        "correlatorId": STRING,
    },
    ["account", "paymentMethod"],
)
_REFUND_CREATE = obj(
    {"payment": ref("EntityRef"), "totalAmount": ref("Money"), "correlatorId": STRING},
    ["payment", "totalAmount"],
)
_TOPUP_CREATE = obj(
    {
        "@type": STRING,
        "logicalResource": _REFS,
        "amount": ref("Quantity"),
        "usageType": STRING,
        "payment": ref("EntityRef"),
        "isAutoTopup": BOOLEAN,
        "recurringPeriod": {"type": "string", "enum": ["monthly"]},
        "thresholdAmount": ref("Quantity"),
        "paymentMethod": _PAYMENT_METHOD_REF,
    },
    ["logicalResource", "amount"],
)
_TOPUP_UPDATE = obj({"status": {"type": "string", "enum": ["cancelled"]}}, ["status"])
_TRANSFER_CREATE = obj(
    {
        "usageType": {"type": "string", "enum": ["data"]},
        "logicalResource": _REFS,
        "receiverLogicalResource": ref("EntityRef"),
        "amount": ref("Quantity"),
        "reason": STRING,
    },
    ["usageType", "logicalResource", "receiverLogicalResource", "amount"],
)
_ADJUST_CREATE = obj(
    {
        "logicalResource": _REFS,
        "usageType": STRING,
        "amount": ref("Quantity"),
        "bucket": ref("EntityRef"),
        "allowNegative": BOOLEAN,
        "name": STRING,
        "validFor": ref("TimePeriod"),
        "product": _REFS,
        "adjustType": STRING,
        "reason": STRING,
        "chargeType": STRING,
    },
    ["logicalResource", "usageType", "amount"],
)
_STATEMENT_CREATE = obj(
    {
        "billingAccount": ref("EntityRef"),
        "billingPeriod": ref("TimePeriod"),
        "format": {"type": "string", "enum": ["pdf", "xlsx"]},
        "characteristic": array(ref("Characteristic")),
    },
    ["billingAccount", "billingPeriod", "characteristic"],
)
_ACTION = {
    "status": STRING,
    "requestedDate": DATE_TIME,
    "confirmationDate": DATE_TIME,
    "usageType": STRING,
    "amount": ref("Quantity"),
    "logicalResource": _REFS,
    "reason": STRING,
}
_ERROR_MESSAGES = array(obj({"code": STRING, "reason": STRING, "message": STRING}))

SCHEMAS = {
    "Payment": entity(
        {
            "status": STRING,
            "statusReason": STRING,
            "statusDate": DATE_TIME,
            "paymentDate": DATE_TIME,
            "authorizationCode": STRING,
            "description": STRING,
            "account": ref("EntityRef"),
            "amount": ref("Money"),
            "totalAmount": ref("Money"),
            "paymentMethod": _PAYMENT_METHOD_REF,
            "topupBalance": ref("EntityRef"),
        }
    ),
    "PaymentMethod": entity(
        {
            "name": STRING,
            "isPreferred": BOOLEAN,
            "status": STRING,
            "brand": STRING,
            "cardType": STRING,
            "lastFourDigits": STRING,
            "bank": STRING,
            "expirationDate": DATE_TIME,
            "relatedParty": ref("EntityRef"),
            "account": _REFS,
        }
    ),
    "TopupBalance": entity(
        {
            **_ACTION,
            "@baseType": STRING,
            "isAutoTopup": BOOLEAN,
            "bucket": ref("EntityRef"),
            "payment": ref("EntityRef"),
            "recurringPeriod": STRING,
            "thresholdAmount": ref("Quantity"),
            "paymentMethod": _PAYMENT_METHOD_REF,
            "balanceTopup": ref("EntityRef"),
            "cancellationDate": DATE_TIME,
        }
    ),
    "TransferBalance": entity(
        {
            **_ACTION,
            "bucket": _REFS,
            "receiverLogicalResource": ref("EntityRef"),
            "receiverBucket": ref("EntityRef"),
            "receiverBucketUsageType": STRING,
        }
    ),
    "AdjustBalance": entity(
        {**_ACTION, "adjustType": STRING, "bucket": ref("EntityRef"), "product": _REFS}
    ),
    "CustomerBillOnDemand": entity(
        {
            "name": STRING,
            "state": STRING,
            "lastUpdate": DATE_TIME,
            "orderDate": DATE_TIME,
            "billingAccount": ref("EntityRef"),
            "relatedParty": ref("EntityRef"),
            "billingPeriod": ref("TimePeriod"),
            "format": STRING,
            "characteristic": array(ref("Characteristic")),
            "errorMessage": _ERROR_MESSAGES,
        }
    ),
    "Refund": obj(
        {
            "id": STRING,
            "status": STRING,
            "payment": ref("EntityRef"),
            "totalAmount": ref("Money"),
            "correlatorId": STRING,
        }
    ),
    "LedgerEntry": obj(
        {
            "id": STRING,
            "msisdn": STRING,
            "amount": ref("Quantity"),
            "payment": ref("EntityRef"),
            "idempotencyKey": STRING,
            "time": DATE_TIME,
            "balanceAfter": ref("Quantity"),
        }
    ),
}

_REUSED = {"409": "IDEMPOTENCY_KEY_REUSED"}


def _keyed(operation: dict[str, Any]) -> dict[str, Any]:
    """An action on an entity that also takes an idempotency key (after the id)."""
    return {**operation, "parameters": [*operation["parameters"], IDEMPOTENCY_PARAMETER]}


PATHS = {
    f"{PAYMENT_MANAGEMENT}/payment": {
        "get": list_operation("payments, oldest first", "Payment", PAYMENT_FILTERS),
        "post": create_operation(
            "pay (a declined payment is a 201 with status declined)",
            _PAYMENT_CREATE,
            "Payment",
            errors={
                **_REUSED,
                "422": "UNKNOWN_NUMBER, UNKNOWN_PAYMENT_METHOD",
            },
            idempotent=True,
        ),
    },
    f"{PAYMENT_MANAGEMENT}/payment/{{id}}": {"get": get_operation("one payment", "Payment")},
    f"{PAYMENT_MANAGEMENT}/payment/{{id}}/capture": {
        "post": _keyed(
            action_operation(
                "take an authorized payment (again: the same answer)",
                "Payment",
                {"422": "NOT_CAPTURABLE, PROCESSOR_REFUSED"},
            )
        )
    },
    f"{PAYMENT_MANAGEMENT}/payment/{{id}}/void": {
        "post": _keyed(
            action_operation(
                "release an authorization (again: the same answer)",
                "Payment",
                {"422": "NOT_VOIDABLE, PROCESSOR_REFUSED"},
            )
        )
    },
    f"{PAYMENT_MANAGEMENT}/refund": {
        "get": list_operation(
            "refunds", "Refund", {"correlatorId": "the caller's key", "payment.id": "payments"}
        ),
        "post": create_operation(
            "give back money taken by a payment, in part or whole",
            _REFUND_CREATE,
            "Refund",
            errors={**_REUSED, "422": "NOT_REFUNDABLE, REFUND_TOO_LARGE, PROCESSOR_REFUSED"},
            idempotent=True,
        ),
    },
    f"{PAYMENT_METHODS}/paymentMethod": {
        "get": list_operation(
            "saved cards", "PaymentMethod", PAYMENT_METHOD_FILTERS, required=("relatedParty.id",)
        )
    },
    f"{PAYMENT_METHODS}/paymentMethod/{{id}}": {
        "get": get_operation("one saved card", "PaymentMethod")
    },
    f"{PREPAY_BALANCE}/topupBalance": {
        "get": list_operation("top-ups and autopays, oldest first", "TopupBalance", TOPUP_FILTERS),
        "post": create_operation(
            "top up with a payment, or set up an autopay (isAutoTopup)",
            _TOPUP_CREATE,
            "TopupBalance",
            errors={
                **_REUSED,
                "422": "UNKNOWN_NUMBER, PAYMENT_NOT_FOUND, PAYMENT_DECLINED, PAYMENT_MISMATCH, "
                "PAYMENT_ALREADY_USED, UNKNOWN_PAYMENT_METHOD",
            },
            idempotent=True,
        ),
    },
    f"{PREPAY_BALANCE}/topupBalance/{{id}}": {
        "get": get_operation("one top-up or autopay", "TopupBalance"),
        "patch": update_operation(
            'cancel an autopay: {"status": "cancelled"}',
            _TOPUP_UPDATE,
            "TopupBalance",
            {"422": "NOT_CANCELLABLE"},
        ),
    },
    f"{PREPAY_BALANCE}/transferBalance": {
        "get": list_operation("gigabyte transfers", "TransferBalance", TRANSFER_FILTERS),
        "post": create_operation(
            "give whole GB (1 to 30) of data to another number",
            _TRANSFER_CREATE,
            "TransferBalance",
            errors={
                **_REUSED,
                "422": "UNKNOWN_NUMBER, UNKNOWN_RECEIVER, INSUFFICIENT_BALANCE",
            },
            idempotent=True,
        ),
    },
    f"{PREPAY_BALANCE}/transferBalance/{{id}}": {
        "get": get_operation("one transfer", "TransferBalance")
    },
    f"{PREPAY_BALANCE}/adjustBalance": {
        "get": list_operation("adjustments", "AdjustBalance", ADJUSTMENT_FILTERS),
        "post": create_operation(
            "charge or credit money, or add or change a quota bucket",
            _ADJUST_CREATE,
            "AdjustBalance",
            errors={**_REUSED, "422": "UNKNOWN_NUMBER, UNKNOWN_BUCKET, INSUFFICIENT_BALANCE"},
            idempotent=True,
        ),
    },
    f"{PREPAY_BALANCE}/adjustBalance/{{id}}": {
        "get": get_operation("one adjustment", "AdjustBalance")
    },
    f"{CUSTOMER_BILL}/customerBillOnDemand": {
        "get": list_operation("ordered statements", "CustomerBillOnDemand", STATEMENT_FILTERS),
        "post": create_operation(
            "order a statement by e-mail",
            _STATEMENT_CREATE,
            "CustomerBillOnDemand",
            errors={**_REUSED, "422": "UNKNOWN_NUMBER, INVALID_PERIOD"},
            idempotent=True,
        ),
    },
    f"{CUSTOMER_BILL}/customerBillOnDemand/{{id}}": {
        "get": get_operation("one statement", "CustomerBillOnDemand")
    },
    **hub_paths(PREPAY_BALANCE),
    "/admin/payment-faults": {
        "get": admin_list_operation(
            "each payment operation's fault: '', error, refuse, lose, hang or hang_after",
            STRING,
            {},
        ),
        "put": admin_list_operation(
            'set payment operations\' faults ({"capture": "refuse"})', STRING, {}
        ),
    },
    "/admin/ledger": {
        "get": admin_list_operation(
            "every top-up that changed a balance, oldest first",
            ref("LedgerEntry"),
            {"msisdn": "MSISDNs, comma-separated (default: all)"},
        )
    },
    "/admin/statements/{id}/advance": {
        "post": action_operation(
            "take a statement's next step now", "CustomerBillOnDemand", {"409": "ALREADY_FINAL"}
        )
    },
}
