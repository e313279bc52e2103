"""The OpenAPI paths and schemas of provisioning's TMF622 orders, its hub and the order
admin route. The filter table is also what the list route accepts."""

from __future__ import annotations

from backends.kit.openapi import (
    ANY,
    DATE_TIME,
    INTEGER,
    STRING,
    action_operation,
    array,
    create_operation,
    entity,
    get_operation,
    hub_paths,
    list_operation,
    obj,
    ref,
)
from backends.provisioning.order_resources import PRODUCT_ORDERING

ORDER_FILTERS = {
    "relatedParty.id": "customers' MSISDNs; the batch key",
    "state": "acknowledged, inProgress, completed or failed",
    "externalId": "the client's ids (idempotency keys)",
}

_PRICE = obj(
    {
        "name": STRING,
        "priceType": STRING,
        "price": obj({"taxIncludedAmount": ref("Money")}),
    }
)
_ORDER_PRODUCT = obj(
    {
        "id": STRING,
        "productOffering": ref("EntityRef"),
        "productCharacteristic": array(obj({"name": STRING, "value": ANY}, ["name"])),
    }
)
_ITEM = obj(
    {
        "id": STRING,
        "action": {"type": "string", "enum": ["add", "delete", "modify"]},
        "state": STRING,
        "quantity": INTEGER,
        "product": _ORDER_PRODUCT,
        "productOffering": ref("EntityRef"),
        "itemTotalPrice": array(_PRICE),
    },
    ["action"],
)
_ORDER_CREATE = obj(
    {
        "externalId": STRING,
        "relatedParty": array(ref("EntityRef")),
        "productOrderItem": array(_ITEM),
    },
    ["relatedParty", "productOrderItem"],
)

SCHEMAS = {
    "ProductOrder": entity(
        {
            "externalId": STRING,
            "state": STRING,
            "orderDate": DATE_TIME,
            "completionDate": DATE_TIME,
            "relatedParty": array(ref("EntityRef")),
            "productOrderItem": array(_ITEM),
            "orderTotalPrice": array(_PRICE),
            "errorMessage": array(obj({"code": STRING, "reason": STRING, "message": STRING})),
        }
    ),
}

PATHS = {
    f"{PRODUCT_ORDERING}/productOrder": {
        "get": list_operation("orders, newest first", "ProductOrder", ORDER_FILTERS),
        "post": create_operation(
            "order a change: connect, disconnect, change or tune the tariff, add a package",
            _ORDER_CREATE,
            "ProductOrder",
            errors={
                "409": "IDEMPOTENCY_KEY_REUSED",
                "422": "UNKNOWN_NUMBER, UNKNOWN_OFFERING, UNKNOWN_PRODUCT, "
                "SERVICE_NOT_AVAILABLE, ALREADY_CONNECTED, NOT_CONNECTED, VALUE_NOT_ALLOWED, "
                "SAME_TARIFF, ACTION_NOT_ALLOWED, ORDER_IN_PROGRESS",
            },
            idempotent=True,
        ),
    },
    f"{PRODUCT_ORDERING}/productOrder/{{id}}": {"get": get_operation("one order", "ProductOrder")},
    **hub_paths(PRODUCT_ORDERING),
    "/admin/orders/{id}/advance": {
        "post": action_operation(
            "take the order's next step now", "ProductOrder", {"409": "ALREADY_FINAL"}
        )
    },
}
