"""The OpenAPI document of billing's TMF654/TMF678 subset (served at /openapi.json).

The filter tables here are also what the routes accept: one list, so the document and
the service cannot disagree.
"""

from __future__ import annotations

from backends.billing import openapi_writes
from backends.billing.resources import CUSTOMER_BILL, PREPAY_BALANCE
from backends.kit.openapi import (
    BOOLEAN,
    HUB_SCHEMAS,
    STRING,
    array,
    entity,
    get_operation,
    list_operation,
    openapi_document,
    ref,
)

BUCKET_FILTERS = {
    "logicalResource.id": "MSISDNs (E.164); the batch key",
    "usageType": "monetary, data, voice or sms",
    "status": "active, suspended or expired",
}
CHARGE_FILTERS = {
    "billingAccount.id": "MSISDNs (the billing account id is the number); required",
    "date.gte": "charges at or after this RFC 3339 time",
    "date.lt": "charges before this RFC 3339 time",
    "type": "subscription, voice, sms, data, roaming, services or entertainment",
}

_SCHEMAS = {
    "Bucket": entity(
        {
            "@baseType": STRING,
            "name": STRING,
            "usageType": STRING,
            "status": STRING,
            "remainingValue": ref("Quantity"),
            "initialValue": ref("Quantity"),
            "isUnlimited": BOOLEAN,
            "logicalResource": array(ref("EntityRef")),
            "product": array(ref("EntityRef")),
            "validFor": ref("TimePeriod"),
        }
    ),
    "AppliedCustomerBillingRate": entity(
        {
            "date": {"type": "string", "format": "date-time"},
            "name": STRING,
            "type": STRING,
            "isBilled": BOOLEAN,
            "billingAccount": ref("EntityRef"),
            "taxIncludedAmount": ref("Money"),
        }
    ),
}

OPENAPI = openapi_document(
    "Billing (simulated)",
    "TMF654 Prepay Balance (buckets, top-ups, transfers, adjustments), TMF678 charges and "
    "statements, TMF676 payments and TMF670 saved cards.",
    {
        f"{PREPAY_BALANCE}/bucket": {
            "get": list_operation("balance and quota buckets", "Bucket", BUCKET_FILTERS)
        },
        f"{PREPAY_BALANCE}/bucket/{{id}}": {"get": get_operation("one bucket", "Bucket")},
        f"{CUSTOMER_BILL}/appliedCustomerBillingRate": {
            "get": list_operation(
                "charges of the listed numbers, oldest first",
                "AppliedCustomerBillingRate",
                CHARGE_FILTERS,
                required=("billingAccount.id",),
            )
        },
        f"{CUSTOMER_BILL}/appliedCustomerBillingRate/{{id}}": {
            "get": get_operation("one charge", "AppliedCustomerBillingRate")
        },
        **openapi_writes.PATHS,
    },
    {**_SCHEMAS, **openapi_writes.SCHEMAS, **HUB_SCHEMAS},
)
