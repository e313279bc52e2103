"""Billing's state as TMF654 buckets and TMF678 applied customer billing rates."""

from __future__ import annotations

from typing import Any

from backends.billing.accounts import Account, QuotaBucket
from backends.charges import Charge
from backends.kit.ids import href
from backends.kit.responses import json_number
from backends.kit.timestamps import format_timestamp

PREPAY_BALANCE = "/tmf-api/prepayBalanceManagement/v4"
CUSTOMER_BILL = "/tmf-api/customerBillManagement/v4"
CURRENCY = "RUB"


def bucket_json(bucket: tuple[Account, QuotaBucket | None]) -> dict[str, Any]:
    """An account's money bucket (``None``) or one of its quota buckets."""
    account, quota = bucket
    return monetary_bucket_json(account) if quota is None else quota_bucket_json(account, quota)


def monetary_bucket_json(account: Account) -> dict[str, Any]:
    return {
        "id": account.monetary_bucket_id,
        "href": href(f"{PREPAY_BALANCE}/bucket", account.monetary_bucket_id),
        "@type": "Bucket",
        "name": "Main balance",
        "usageType": "monetary",
        "status": "active",
        "remainingValue": {"amount": json_number(account.balance), "units": CURRENCY},
        "logicalResource": [msisdn_ref(account.msisdn)],
        "validFor": {"startDateTime": format_timestamp(account.opened)},
    }


def quota_bucket_json(account: Account, bucket: QuotaBucket) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": bucket.id,
        "href": href(f"{PREPAY_BALANCE}/bucket", bucket.id),
        "@type": "QuotaBucket",
        "@baseType": "Bucket",
        "name": bucket.name,
        "usageType": bucket.usage_type,
        "status": bucket.status,
        "remainingValue": {"amount": json_number(bucket.remaining), "units": bucket.units},
        "initialValue": {"amount": json_number(bucket.initial), "units": bucket.units},
        "isUnlimited": bucket.unlimited,
        "logicalResource": [msisdn_ref(account.msisdn)],
        "validFor": {
            "startDateTime": format_timestamp(bucket.valid_from),
            "endDateTime": format_timestamp(bucket.valid_until),
        },
    }
    # A received gift comes from no product.
    if bucket.product_id is not None:
        body["product"] = [{"id": bucket.product_id, "@referredType": "Product"}]
    return body


def charge_json(charge: Charge) -> dict[str, Any]:
    return {
        "id": charge.id,
        "href": href(f"{CUSTOMER_BILL}/appliedCustomerBillingRate", charge.id),
        "@type": "AppliedCustomerBillingRate",
        "date": format_timestamp(charge.date),
        "name": charge.name,
        "type": charge.type.value,
        "isBilled": True,
        "billingAccount": {"id": charge.msisdn, "@referredType": "BillingAccount"},
        "taxIncludedAmount": {"unit": CURRENCY, "value": json_number(charge.amount)},
    }


def msisdn_ref(msisdn: str) -> dict[str, str]:
    return {"id": msisdn, "name": "MSISDN", "@referredType": "LogicalResource"}
