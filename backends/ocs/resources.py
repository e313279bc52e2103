"""The OCS state as the captured system's JSON: services, products, buckets and
accumulated balances, field for field in the captures' order."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from backends.ocs.state import Bucket, Subscription
from backends.ocs.timestamps import format_ocs_timestamp
from backends.ocs.units import CENTS, format_amount

SERVICE_INVENTORY = "/serviceInventoryManagement/v2"
PRODUCT_INVENTORY = "/productInventoryManagement/v2"
PRODUCT_CATALOG = "/productCatalogManagement/v2"
BALANCE = "/balanceManagement/v1"


def service_json(subscription: Subscription) -> dict[str, Any]:
    service_id = subscription.service_id
    return {
        "href": f"{SERVICE_INVENTORY}/service/{service_id}",
        "id": service_id,
        "state": "active",
        "product": subscription.product_id,
        "isServiceEnabled": True,
        "type": "RFS",
        "@type": "Service",
        "@schemaLocation": "/schema/serviceInventoryManagement.schema.json#/definitions/Service",
        # The real one also lists the AAA `servicePassword`; the simulator has none to give.
        "serviceCharacteristic": [
            {"name": "serviceIdentity", "value": service_id},
            {"name": "multiSession", "value": False},
        ],
    }


def product_json(subscription: Subscription) -> dict[str, Any]:
    offering = subscription.offering
    totals = _totals(subscription.buckets)
    return {
        "href": f"{PRODUCT_INVENTORY}/product/{subscription.product_id}",
        "id": subscription.product_id,
        "startDate": format_ocs_timestamp(subscription.started),
        # A product offering's id is its name in OCS.
        "productOffering": {
            "id": offering,
            "href": f"{PRODUCT_CATALOG}/productOffering/{offering}",
            "name": offering,
        },
        "characteristic": [],
        # Here, unlike anywhere else, amounts other than money are bare integers.
        "balance": [
            {
                "name": units,
                "totalBalance": {
                    "amount": format_amount(units, amount) if units == CENTS else int(amount),
                    "units": units,
                },
            }
            for units, amount in totals.items()
        ],
        "realizingService": [
            {
                "id": subscription.service_id,
                "href": f"{SERVICE_INVENTORY}/service/{subscription.service_id}",
            }
        ],
        "@type": "Product",
        "@schemaLocation": "/schema/productInventoryManagement.swagger.json#/definitions/Product",
    }


def bucket_json(subscription: Subscription, bucket: Bucket) -> dict[str, Any]:
    body: dict[str, Any] = {"href": f"{BALANCE}/bucket/{bucket.id}", "id": bucket.id}
    if bucket.name is not None:
        body["name"] = bucket.name  # after `id`, as the captured system writes it
    period: dict[str, str] = {}
    if bucket.end is not None:
        period["endDateTime"] = format_ocs_timestamp(bucket.end)
    if bucket.start is not None:
        period["startDateTime"] = format_ocs_timestamp(bucket.start)
    if period:
        body["validFor"] = period
    body["remainedAmount"] = {
        "amount": format_amount(bucket.units, bucket.amount),
        "units": bucket.units,
    }
    body["product"] = {
        "id": subscription.product_id,
        "href": f"{PRODUCT_INVENTORY}/product/{subscription.product_id}",
    }
    return body


def trimmed(body: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """``?fields=id,name``: href and the named fields the bucket has."""
    return {k: v for k, v in body.items() if k == "href" or k in fields}


def counted(bucket: Bucket, now: datetime) -> bool:
    """OCS's rule for its accumulatedBalance: a bucket counts when it has no end or ends
    later than now; the start is not looked at (a bucket from tomorrow counts today)."""
    return bucket.end is None or bucket.end > now


def accumulated_balance_json(
    subscription: Subscription, href: str, owner: str, now: datetime
) -> dict[str, Any]:
    """The totals per unit and the buckets, for ``product/{id}`` or ``service/{id}``:
    expired buckets left out, negatives summed in, a unit whose sum is 0 or less left out of
    ``totalBalance`` (its buckets still listed)."""
    live = [bucket for bucket in subscription.buckets if counted(bucket, now)]
    totals = _totals(live)
    return {
        "href": href,
        "id": owner,
        "totalBalance": [
            {"amount": format_amount(units, amount), "units": units}
            for units, amount in totals.items()
            if amount > 0
        ],
        "buckets": [{"id": bucket.id, "href": f"{BALANCE}/bucket/{bucket.id}"} for bucket in live],
        "product": [{"id": subscription.product_id, "href": href}],
    }


def _totals(buckets: list[Bucket]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for bucket in buckets:
        totals[bucket.units] += bucket.amount
    return dict(totals)
