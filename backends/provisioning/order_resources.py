"""Orders as TMF622 ``ProductOrder`` bodies.

A failed order says why in ``errorMessage`` (TMF622 v5's field, back-ported: v4 has no
place for it): ``[{"code": "INSUFFICIENT_BALANCE", "reason": ..., "message": ...}]``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backends.catalog import PACKAGES_BY_ID, SERVICES_BY_ID, TARIFFS_BY_ID
from backends.kit.ids import href
from backends.kit.responses import json_number
from backends.kit.timestamps import format_timestamp
from backends.provisioning.orders import OrderItem, OrderRecord

PRODUCT_ORDERING = "/tmf-api/productOrderingManagement/v4"


def order_json(order: OrderRecord) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": order.id,
        "href": href(f"{PRODUCT_ORDERING}/productOrder", order.id),
        "@type": "ProductOrder",
        "state": order.state.value,
        "orderDate": format_timestamp(order.created),
        "relatedParty": [{"id": order.msisdn, "role": "customer", "@referredType": "Customer"}],
        "productOrderItem": [_item_json(item) for item in order.items],
        "orderTotalPrice": [_one_time("Разовые платежи", order.one_time_total)],
    }
    if order.external_id is not None:
        body["externalId"] = order.external_id
    if order.completed is not None:
        body["completionDate"] = format_timestamp(order.completed)
    if order.error is not None:
        body["errorMessage"] = [
            {"code": order.error.code, "reason": "Order failed", "message": order.error.message}
        ]
    return body


def _item_json(item: OrderItem) -> dict[str, Any]:
    offering = (
        SERVICES_BY_ID.get(item.offering_id)
        or PACKAGES_BY_ID.get(item.offering_id)
        or TARIFFS_BY_ID[item.offering_id]
    )
    return {
        "id": item.id,
        "action": item.action.value,
        "state": item.state.value,
        "quantity": 1,
        "product": {
            "id": item.product_id,
            "productOffering": {"id": offering.id, "name": offering.name},
            "productCharacteristic": [
                {"name": name, "value": value} for name, value in item.characteristics.items()
            ],
        },
        "itemTotalPrice": [_one_time(offering.name, item.price)],
    }


def _one_time(name: str, amount: Decimal) -> dict[str, Any]:
    return {
        "name": name,
        "priceType": "oneTime",
        "price": {"taxIncludedAmount": {"unit": "RUB", "value": json_number(amount)}},
    }
