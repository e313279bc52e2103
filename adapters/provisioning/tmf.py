"""TMF620 offerings, TMF637 products, TMF629 customers and TMF672 permissions, parsed
into records. See docs/backends.md for the shapes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from adapters.clock import parse_timestamp
from adapters.tmf import Entity, characteristics, ref_id, ref_ids
from domain.money import Money, parse_money, to_decimal
from domain.provisioning import (
    AllowanceRecord,
    CatalogRecord,
    CustomerRecord,
    LinkRecord,
    OfferingKind,
    OptionPriceRecord,
    PackageRecord,
    ProductRecord,
    ProductStatus,
    ServiceCategory,
    ServiceOfferingRecord,
    TariffOptionsRecord,
    TariffRecord,
)
from domain.quotas import QuotaKind

ALLOWANCE_CHARACTERISTICS = {
    "gigabytes": QuotaKind.DATA,
    "minutes": QuotaKind.VOICE,
    "sms": QuotaKind.SMS,
}
UNLIMITED = "unlimited"


def _category_ids(offering: Entity) -> list[str]:
    return ref_ids(offering, "category")


def _char_values(offering: Entity) -> dict[str, list[Mapping[str, Any]]]:
    """`prodSpecCharValueUse` as {characteristic name: its allowed values}."""
    found: dict[str, list[Mapping[str, Any]]] = {}
    for use in offering.get("prodSpecCharValueUse") or ():
        values = [v for v in use.get("productSpecCharacteristicValue") or () if "value" in v]
        found[str(use["name"])] = values
    return found


def _allowance(kind: QuotaKind, value: Any) -> AllowanceRecord:
    if value == UNLIMITED:
        return AllowanceRecord(kind=kind, amount=None, unlimited=True)
    return AllowanceRecord(kind=kind, amount=float(to_decimal(value)), unlimited=False)


def _default_value(values: Sequence[Mapping[str, Any]]) -> Any:
    chosen = next((v for v in values if v.get("isDefault")), values[0])
    return chosen["value"]


def _prices(offering: Entity) -> list[Entity]:
    return [p for p in offering.get("productOfferingPrice") or () if isinstance(p, Mapping)]


def _base_price(offering: Entity, price_type: str = "recurring") -> Money | None:
    """The price of that type that depends on no characteristic value."""
    for price in _prices(offering):
        if (
            price.get("priceType", "recurring") == price_type
            and not price.get("prodSpecCharValueUse")
            and isinstance(price.get("price"), Mapping)
        ):
            return _amount(price["price"])
    return None


def _amount(price: Mapping[str, Any]) -> Money:
    # ProductOfferingPrice.price is Money; TMF622 item prices nest it in taxIncludedAmount.
    inner = price.get("taxIncludedAmount")
    return parse_money(inner if isinstance(inner, Mapping) else price)


def _option_prices(
    offering: Entity, name: str, values: Sequence[Mapping[str, Any]]
) -> tuple[OptionPriceRecord, ...]:
    by_value: dict[str, Money] = {}
    for price in _prices(offering):
        for use in price.get("prodSpecCharValueUse") or ():
            if use.get("name") != name:
                continue
            for value in use.get("productSpecCharacteristicValue") or ():
                by_value[str(value["value"])] = parse_money(price["price"])
    base = _base_price(offering)
    currency = base.currency if base else "RUB"
    return tuple(
        OptionPriceRecord(
            value=int(to_decimal(v["value"])),
            price=by_value.get(str(v["value"]), Money.zero(currency)),
            is_default=bool(v.get("isDefault")),
        )
        for v in values
    )


def parse_tariff(offering: Entity) -> TariffRecord:
    values = _char_values(offering)
    allowances = tuple(
        _allowance(kind, _default_value(values[name]))
        for name, kind in ALLOWANCE_CHARACTERISTICS.items()
        if values.get(name)
    )
    fee = _base_price(offering) or Money.zero("RUB")
    configurable = any(len(values.get(n, ())) > 1 for n in ("minutes", "gigabytes"))
    tariff = TariffRecord(
        id=str(offering["id"]),
        name=str(offering["name"]),
        description=offering.get("description"),
        monthly_fee=fee,
        allowances=allowances,
        change_fee=_base_price(offering, "oneTime"),
        options=TariffOptionsRecord(
            base_fee=fee,
            minutes=_option_prices(offering, "minutes", values.get("minutes", [])),
            gigabytes=_option_prices(offering, "gigabytes", values.get("gigabytes", [])),
        )
        if configurable
        else None,
    )
    # A configurable tariff is advertised at its fee with the default values chosen.
    return tariff.configured({})


def parse_service(offering: Entity, categories: Sequence[str]) -> ServiceOfferingRecord:
    category = next(
        (ServiceCategory(c) for c in categories[1:] if c in _SERVICE_CATEGORIES),
        ServiceCategory.OTHER,
    )
    return ServiceOfferingRecord(
        id=str(offering["id"]),
        name=str(offering["name"]),
        description=offering.get("description"),
        category=category,
        fee=_any_price(offering),
        available_for=frozenset(
            str(r["id"])
            for r in offering.get("productOfferingRelationship") or ()
            if r.get("relationshipType") == "availableFor"
        ),
    )


_SERVICE_CATEGORIES = {c.value for c in ServiceCategory}


def _any_price(offering: Entity) -> Money | None:
    prices = _prices(offering)
    return parse_money(prices[0]["price"]) if prices else None


def parse_package(offering: Entity) -> PackageRecord:
    values = _char_values(offering)
    return PackageRecord(
        id=str(offering["id"]),
        name=str(offering["name"]),
        description=offering.get("description"),
        price=_any_price(offering) or Money.zero("RUB"),
        adds=tuple(
            _allowance(kind, _default_value(values[name]))
            for name, kind in ALLOWANCE_CHARACTERISTICS.items()
            if values.get(name)
        ),
    )


def parse_catalog(offerings: Iterable[Entity]) -> CatalogRecord:
    tariffs: list[TariffRecord] = []
    services: list[ServiceOfferingRecord] = []
    packages: list[PackageRecord] = []
    for offering in offerings:
        if str(offering.get("lifecycleStatus", "Active")).lower() not in {"active", "launched"}:
            continue
        categories = _category_ids(offering)
        kind = categories[0] if categories else None
        if kind == OfferingKind.TARIFF.value:
            tariffs.append(parse_tariff(offering))
        elif kind == OfferingKind.SERVICE.value:
            services.append(parse_service(offering, categories))
        elif kind == OfferingKind.PACKAGE.value:
            packages.append(parse_package(offering))
    return CatalogRecord(tuple(tariffs), tuple(services), tuple(packages))


def product_msisdn(product: Entity) -> str | None:
    ids = ref_ids(product, "realizingResource")
    return ids[0] if ids else None


def parse_product(product: Entity) -> ProductRecord | None:
    msisdn = product_msisdn(product)
    offering_id = ref_id(product, "productOffering")
    if msisdn is None or offering_id is None:
        return None
    start = product.get("startDate")
    return ProductRecord(
        id=str(product["id"]),
        msisdn=msisdn,
        offering_id=offering_id,
        name=str(product.get("name") or ""),
        status=ProductStatus(product.get("status", "active")),
        characteristics=tuple(
            (name, str(value))
            for name, value in characteristics(product, "productCharacteristic").items()
        ),
        start_date=parse_timestamp(str(start)) if start else None,
    )


def parse_customer(customer: Entity) -> CustomerRecord:
    traits = characteristics(customer)
    region = traits.get("region")
    return CustomerRecord(
        msisdn=str(customer["id"]),
        name=customer.get("name"),
        region=str(region) if region is not None else None,
    )


def parse_link(permission: Entity) -> LinkRecord | None:
    owner = ref_id(permission, "user")
    linked = ref_id(permission, "granter")
    if owner is None or linked is None:
        return None
    created = permission.get("creationDate")
    return LinkRecord(
        id=str(permission["id"]),
        owner=owner,
        msisdn=linked,
        alias=permission.get("description") or None,  # "" from some backends: no alias
        created_at=parse_timestamp(str(created)) if created else None,
    )
