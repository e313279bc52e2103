"""The OpenAPI document of provisioning's TMF620/637/629/672/720 subset (served at
/openapi.json). The filter tables are also what the routes accept."""

from __future__ import annotations

from backends.kit.openapi import (
    ANY,
    BOOLEAN,
    DATE_TIME,
    HUB_SCHEMAS,
    STRING,
    array,
    create_operation,
    delete_operation,
    entity,
    get_operation,
    list_operation,
    obj,
    openapi_document,
    ref,
    update_operation,
)
from backends.provisioning import openapi_orders
from backends.provisioning.resources import (
    CUSTOMER_MANAGEMENT,
    DIGITAL_IDENTITY,
    PERMISSIONS,
    PRODUCT_CATALOG,
    PRODUCT_INVENTORY,
)

OFFERING_FILTERS = {
    "id": "offering ids",
    "category.id": "tariff, service, package, or a service category",
    "lifecycleStatus": "Active",
}
PRODUCT_FILTERS = {
    "realizingResource.id": "MSISDNs; the batch key",
    "relatedParty.id": "MSISDNs (the customer id is the number)",
    "status": "created, pendingActive, active, suspended, pendingTerminate, terminated",
    "productOffering.id": "offering ids",
}
CUSTOMER_FILTERS = {
    "id": "MSISDNs (the customer id is the number); the batch key",
    "status": "Approved",
}
PERMISSION_FILTERS = {
    "user.id": "managing MSISDNs; the batch key",
    "granter.id": "linked MSISDNs",
}

_VALUE = obj({"value": ANY, "unitOfMeasure": STRING, "isDefault": BOOLEAN})
_CHAR_VALUE_USE = obj(
    {"name": STRING, "valueType": STRING, "productSpecCharacteristicValue": array(_VALUE)}
)
_PERMISSION_CREATE = obj(
    {
        "description": STRING,
        "user": ref("EntityRef"),
        "granter": ref("EntityRef"),
        "privilege": array(ref("Privilege")),
    },
    ["user", "granter"],
)
_CREDENTIALS = obj({"loginId": STRING, "password": STRING}, ["loginId", "password"])
_CREDENTIAL_CHANGE = obj(
    {"credential": array(obj({"@type": STRING, "password": STRING}, ["@type", "password"]))},
    ["credential"],
)

_SCHEMAS = {
    "ProductOffering": entity(
        {
            "name": STRING,
            "description": STRING,
            "lifecycleStatus": STRING,
            "isSellable": BOOLEAN,
            "category": array(ref("EntityRef")),
            "prodSpecCharValueUse": array(_CHAR_VALUE_USE),
            "productOfferingPrice": array(ref("ProductOfferingPrice")),
            "productOfferingRelationship": array(obj({"id": STRING, "relationshipType": STRING})),
            "productOfferingTerm": array(obj({"name": STRING, "duration": ref("Quantity")})),
        }
    ),
    "ProductOfferingPrice": obj(
        {
            "name": STRING,
            "priceType": STRING,
            "recurringChargePeriodType": STRING,
            "unitOfMeasure": ref("Quantity"),
            "prodSpecCharValueUse": array(_CHAR_VALUE_USE),
            "price": ref("Money"),
        }
    ),
    "Product": entity(
        {
            "name": STRING,
            "status": STRING,
            "startDate": DATE_TIME,
            "terminationDate": DATE_TIME,
            "productOffering": ref("EntityRef"),
            "productCharacteristic": array(ref("Characteristic")),
            "realizingResource": array(ref("EntityRef")),
            "relatedParty": array(ref("EntityRef")),
        }
    ),
    "Customer": entity(
        {"name": STRING, "status": STRING, "characteristic": array(ref("Characteristic"))}
    ),
    "Privilege": obj({"action": STRING, "function": STRING, "manageableAsset": ref("EntityRef")}),
    "Permission": entity(
        {
            "description": STRING,
            "creationDate": DATE_TIME,
            "user": ref("EntityRef"),
            "granter": ref("EntityRef"),
            "privilege": array(ref("Privilege")),
            "validFor": ref("TimePeriod"),
        }
    ),
    "CredentialVerification": obj({"verified": BOOLEAN}, ["verified"]),
    "DigitalIdentity": obj(
        {"id": STRING, "@type": STRING, "credential": array(obj({"@type": STRING}))},
        ["id", "credential"],
    ),
}

OPENAPI = openapi_document(
    "Provisioning (simulated)",
    "TMF620 catalogue, TMF637 inventory, TMF622 orders, TMF629 customers, TMF672 "
    "permissions and a TMF720 password check.",
    {
        f"{PRODUCT_CATALOG}/productOffering": {
            "get": list_operation(
                "tariffs, services and packages", "ProductOffering", OFFERING_FILTERS
            )
        },
        f"{PRODUCT_CATALOG}/productOffering/{{id}}": {
            "get": get_operation("one offering", "ProductOffering")
        },
        f"{PRODUCT_INVENTORY}/product": {
            "get": list_operation("what the numbers have", "Product", PRODUCT_FILTERS)
        },
        f"{PRODUCT_INVENTORY}/product/{{id}}": {"get": get_operation("one product", "Product")},
        f"{CUSTOMER_MANAGEMENT}/customer": {
            "get": list_operation("the customers of the numbers", "Customer", CUSTOMER_FILTERS)
        },
        f"{CUSTOMER_MANAGEMENT}/customer/{{id}}": {
            "get": get_operation("one customer (id: the MSISDN)", "Customer")
        },
        f"{PERMISSIONS}/permission": {
            "get": list_operation("linked numbers", "Permission", PERMISSION_FILTERS),
            "post": create_operation(
                "link a number (once the link is confirmed)",
                _PERMISSION_CREATE,
                "Permission",
                errors={"409": "CONFLICT (linked already), IDEMPOTENCY_KEY_REUSED"},
                idempotent=True,
            ),
        },
        f"{PERMISSIONS}/permission/{{id}}": {
            "get": get_operation("one permission", "Permission"),
            "delete": delete_operation("unlink a number"),
        },
        f"{DIGITAL_IDENTITY}/credentialVerification": {
            "post": create_operation(
                "check a number's password", _CREDENTIALS, "CredentialVerification", status="200"
            )
        },
        f"{DIGITAL_IDENTITY}/digitalIdentity/{{id}}": {
            "patch": update_operation(
                "set a number's password (id: the MSISDN)", _CREDENTIAL_CHANGE, "DigitalIdentity"
            )
        },
        **openapi_orders.PATHS,
    },
    {**_SCHEMAS, **openapi_orders.SCHEMAS, **HUB_SCHEMAS},
)
