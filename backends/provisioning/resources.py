"""Provisioning's catalogue and state as TMF620 offerings, TMF637 products, TMF629
customers and TMF672 permissions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backends.catalog import (
    PACKAGES,
    SERVICES,
    TARIFFS,
    Allowance,
    AllowanceValue,
    Characteristic,
    Package,
    Service,
    ServiceCategory,
    Tariff,
)
from backends.kit.ids import href
from backends.kit.responses import json_number
from backends.kit.timestamps import format_timestamp
from backends.provisioning.state import CustomerRecord, PermissionRecord, ProductRecord

PRODUCT_CATALOG = "/tmf-api/productCatalogManagement/v4"
PRODUCT_INVENTORY = "/tmf-api/productInventory/v4"
CUSTOMER_MANAGEMENT = "/tmf-api/customerManagement/v4"
PERMISSIONS = "/userrolepermission/v4"
DIGITAL_IDENTITY = "/tmf-api/digitalIdentityManagement/v4"
CURRENCY = "RUB"
TARIFF_CHANGE_PRICE = "Смена тарифа"

_SERVICE_CATEGORY_NAMES = {
    ServiceCategory.SUBSCRIPTION: "Подписки",
    ServiceCategory.ROAMING: "Роуминг",
    ServiceCategory.RINGBACK: "Гудок",
    ServiceCategory.OTHER: "Другое",
}
_UNIT_WORDS = {Characteristic.MINUTES: "минут", Characteristic.GIGABYTES: "ГБ"}


def offerings_json() -> list[dict[str, Any]]:
    """The whole catalogue: tariffs, then services, then packages."""
    return [
        *(tariff_json(tariff) for tariff in TARIFFS),
        *(service_json(service) for service in SERVICES),
        *(package_json(package) for package in PACKAGES),
    ]


def tariff_json(tariff: Tariff) -> dict[str, Any]:
    prices = [_recurring("Абонентская плата", tariff.monthly_fee)]
    for allowance in tariff.allowances:
        if allowance.configurable:
            prices.extend(_configured_price(allowance, value) for value in allowance.values)
    prices.extend(
        {
            "name": usage.name,
            "priceType": "usage",
            "unitOfMeasure": {"amount": 1, "units": usage.unit},
            "price": _money(usage.price),
        }
        for usage in tariff.usage_prices
    )
    # Last, so that the first price without prodSpecCharValueUse stays the monthly fee.
    prices.append(
        {"name": TARIFF_CHANGE_PRICE, "priceType": "oneTime", "price": _money(tariff.change_fee)}
    )
    return _offering(
        tariff.id,
        tariff.name,
        tariff.description,
        [{"id": "tariff", "name": "Тариф"}],
        [_allowance_json(allowance) for allowance in tariff.allowances],
        prices,
        [],
    )


def service_json(service: Service) -> dict[str, Any]:
    return _offering(
        service.id,
        service.name,
        service.description,
        [
            {"id": "service", "name": "Услуга"},
            {"id": service.category.value, "name": _SERVICE_CATEGORY_NAMES[service.category]},
        ],
        [],
        [_recurring("Абонентская плата", service.monthly_fee)],
        [
            {"id": tariff_id, "relationshipType": "availableFor"}
            for tariff_id in service.available_for
        ],
    )


def package_json(package: Package) -> dict[str, Any]:
    offering = _offering(
        package.id,
        package.name,
        package.description,
        [{"id": "package", "name": "Пакет"}],
        [_characteristic_use(Characteristic.GIGABYTES, (package.gigabytes,), package.gigabytes)],
        [{"name": "Стоимость", "priceType": "oneTime", "price": _money(package.price)}],
        [],
    )
    offering["productOfferingTerm"] = [
        {"name": "validity", "duration": {"amount": package.validity_days, "units": "days"}}
    ]
    return offering


def product_json(product: ProductRecord) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": product.id,
        "href": href(f"{PRODUCT_INVENTORY}/product", product.id),
        "@type": "Product",
        "name": product.name,
        "status": product.status,
        "startDate": format_timestamp(product.start),
        "productOffering": {"id": product.offering_id, "name": product.name},
        "productCharacteristic": [
            {"name": name, "value": value} for name, value in product.characteristics.items()
        ],
        "realizingResource": [
            {"id": product.msisdn, "name": "MSISDN", "@referredType": "LogicalResource"}
        ],
        "relatedParty": [{"id": product.msisdn, "role": "customer", "@referredType": "Customer"}],
    }
    if product.end is not None:
        body["terminationDate"] = format_timestamp(product.end)
    return body


def customer_json(customer: CustomerRecord) -> dict[str, Any]:
    return {
        "id": customer.msisdn,
        "href": href(f"{CUSTOMER_MANAGEMENT}/customer", customer.msisdn),
        "@type": "Customer",
        "name": customer.name,
        "status": customer.status,
        "characteristic": [{"name": "region", "value": customer.region}],
    }


def permission_json(permission: PermissionRecord) -> dict[str, Any]:
    created = format_timestamp(permission.created)
    return {
        "id": permission.id,
        "href": href(f"{PERMISSIONS}/permission", permission.id),
        "@type": "Permission",
        "description": permission.description,
        "creationDate": created,
        "user": {"id": permission.user, "@referredType": "Individual"},
        "granter": {"id": permission.granter, "@referredType": "Individual"},
        "privilege": [
            {
                "action": "manage",
                "function": "selfcare",
                "manageableAsset": {"id": permission.granter, "@referredType": "LogicalResource"},
            }
        ],
        "validFor": {"startDateTime": created},
    }


def _offering(
    offering_id: str,
    name: str,
    description: str,
    category: list[dict[str, str]],
    characteristics: list[dict[str, Any]],
    prices: list[dict[str, Any]],
    relationships: list[dict[str, str]],
) -> dict[str, Any]:
    return {
        "id": offering_id,
        "href": href(f"{PRODUCT_CATALOG}/productOffering", offering_id),
        "@type": "ProductOffering",
        "name": name,
        "description": description,
        "lifecycleStatus": "Active",
        "isSellable": True,
        "category": category,
        "prodSpecCharValueUse": characteristics,
        "productOfferingPrice": prices,
        "productOfferingRelationship": relationships,
    }


def _allowance_json(allowance: Allowance) -> dict[str, Any]:
    return _characteristic_use(allowance.characteristic, allowance.values, allowance.default)


def _characteristic_use(
    characteristic: Characteristic,
    values: tuple[AllowanceValue, ...],
    default: AllowanceValue,
) -> dict[str, Any]:
    return {
        "name": characteristic.value,
        "valueType": "number",
        "productSpecCharacteristicValue": [
            {
                "value": value,
                "unitOfMeasure": characteristic.unit,
                **({"isDefault": True} if value == default else {}),
            }
            for value in values
        ],
    }


def _configured_price(allowance: Allowance, value: AllowanceValue) -> dict[str, Any]:
    word = _UNIT_WORDS.get(allowance.characteristic, allowance.characteristic.unit)
    price = _recurring(f"{value} {word}", allowance.price_of(value))
    price["prodSpecCharValueUse"] = [
        {
            "name": allowance.characteristic.value,
            "productSpecCharacteristicValue": [{"value": value}],
        }
    ]
    return price


def _recurring(name: str, amount: Decimal) -> dict[str, Any]:
    return {
        "name": name,
        "priceType": "recurring",
        "recurringChargePeriodType": "month",
        "price": _money(amount),
    }


def _money(amount: Decimal) -> dict[str, Any]:
    return {"unit": CURRENCY, "value": json_number(amount)}
