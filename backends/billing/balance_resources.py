"""Top-ups, transfers and adjustments as TMF654 ``TopupBalance``, ``TransferBalance`` and
``AdjustBalance`` bodies."""

from __future__ import annotations

from typing import Any

from backends.billing.accounts import unit_of
from backends.billing.adjustments import MONETARY, AdjustmentRecord
from backends.billing.payment_resources import PAYMENT_MANAGEMENT, method_json
from backends.billing.resources import CURRENCY, PREPAY_BALANCE, msisdn_ref
from backends.billing.topups import TopupRecord
from backends.billing.transfers import TransferRecord
from backends.kit.ids import href
from backends.kit.responses import json_number
from backends.kit.timestamps import format_timestamp


def topup_json(topup: TopupRecord) -> dict[str, Any]:
    digits = topup.msisdn[1:]
    threshold = topup.threshold is not None
    body: dict[str, Any] = {
        "id": topup.id,
        "href": href(f"{PREPAY_BALANCE}/topupBalance", topup.id),
        "@type": "AutoTopupBalance" if threshold else "TopupBalance",
        "status": topup.status.value,
        "isAutoTopup": topup.auto,
        "usageType": MONETARY,
        "amount": {"amount": json_number(topup.amount), "units": CURRENCY},
        "logicalResource": [msisdn_ref(topup.msisdn)],
        "bucket": {"id": f"BKT-{digits}-monetary", "@referredType": "Bucket"},
        "requestedDate": format_timestamp(topup.requested),
    }
    if threshold:
        body["@baseType"] = "TopupBalance"
    if topup.confirmed is not None:
        body["confirmationDate"] = format_timestamp(topup.confirmed)
    if topup.payment_id is not None:
        body["payment"] = {
            "id": topup.payment_id,
            "href": href(f"{PAYMENT_MANAGEMENT}/payment", topup.payment_id),
            "@referredType": "Payment",
        }
    if topup.recurring_period is not None:
        body["recurringPeriod"] = topup.recurring_period
    if topup.threshold is not None:
        body["thresholdAmount"] = {"amount": json_number(topup.threshold), "units": CURRENCY}
    if topup.method is not None:
        body["paymentMethod"] = method_json(topup.method)
    if topup.parent_id is not None:
        body["balanceTopup"] = {
            "id": topup.parent_id,
            "role": "parent",
            "@referredType": "TopupBalance",
        }
    if topup.reason is not None:
        body["reason"] = topup.reason
    if topup.cancelled is not None:
        body["cancellationDate"] = format_timestamp(topup.cancelled)
    return body


def transfer_json(transfer: TransferRecord) -> dict[str, Any]:
    moment = format_timestamp(transfer.created)
    body: dict[str, Any] = {
        "id": transfer.id,
        "href": href(f"{PREPAY_BALANCE}/transferBalance", transfer.id),
        "@type": "TransferBalance",
        "status": "completed",
        "usageType": "data",
        "amount": {"amount": json_number(transfer.gigabytes), "units": "GB"},
        "logicalResource": [msisdn_ref(transfer.sender)],
        "bucket": [
            {"id": bucket_id, "@referredType": "Bucket"} for bucket_id in transfer.sender_buckets
        ],
        "receiverLogicalResource": msisdn_ref(transfer.receiver),
        "receiverBucket": {"id": transfer.receiver_bucket, "@referredType": "Bucket"},
        "receiverBucketUsageType": "data",
        "requestedDate": moment,
        "confirmationDate": moment,
    }
    if transfer.reason is not None:
        body["reason"] = transfer.reason
    return body


def adjustment_json(adjustment: AdjustmentRecord) -> dict[str, Any]:
    request = adjustment.request
    moment = format_timestamp(adjustment.created)
    units = CURRENCY if request.usage_type == MONETARY else unit_of(request.usage_type)
    body: dict[str, Any] = {
        "id": adjustment.id,
        "href": href(f"{PREPAY_BALANCE}/adjustBalance", adjustment.id),
        "@type": "AdjustBalance",
        "status": "completed",
        "adjustType": request.adjust_type,
        "usageType": request.usage_type,
        "amount": {"amount": json_number(request.amount), "units": units},
        "logicalResource": [msisdn_ref(request.msisdn)],
        "bucket": {"id": adjustment.bucket_id, "@referredType": "Bucket"},
        "requestedDate": moment,
        "confirmationDate": moment,
    }
    if request.reason is not None:
        body["reason"] = request.reason
    if request.product_id is not None:
        body["product"] = [{"id": request.product_id, "@referredType": "Product"}]
    return body
