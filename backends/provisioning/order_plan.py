"""Reading and checking a TMF622 order before it is accepted.

Every check is made up front and a refused order changes nothing: a malformed body is a
400; what the number's state refuses is a 422 with the code of the first item that
fails (``UNKNOWN_OFFERING``, ``SERVICE_NOT_AVAILABLE``, ``ALREADY_CONNECTED``,
``NOT_CONNECTED``, ``VALUE_NOT_ALLOWED``, ``SAME_TARIFF``, ``ACTION_NOT_ALLOWED``,
``UNKNOWN_PRODUCT``, ``ORDER_IN_PROGRESS``, ``UNKNOWN_NUMBER``). An accepted order can
still fail later, when billing refuses the money.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from backends.catalog import (
    PACKAGES_BY_ID,
    SERVICES_BY_ID,
    TARIFFS_BY_ID,
    UNLIMITED,
    AllowanceValue,
    Tariff,
)
from backends.kit.bodies import optional_string
from backends.kit.errors import TmfError, bad_request, unprocessable
from backends.provisioning.orders import ItemAction, ItemKind, OrderItem
from backends.provisioning.state import ProductRecord, ProvisioningState

MAX_ITEMS = 10
# A product in one of these states is connected, or about to be.
_CONNECTED = ("active", "pendingActive", "pendingTerminate")


@dataclass(frozen=True, slots=True)
class OrderPlan:
    msisdn: str
    external_id: str | None
    items: list[OrderItem]


@dataclass(frozen=True, slots=True)
class _RawItem:
    id: str
    action: ItemAction
    offering_id: str | None
    product_id: str | None
    characteristics: list[tuple[str, Any]]


def plan_order(state: ProvisioningState, body: dict[str, Any]) -> OrderPlan:
    msisdn = _customer(body)
    external_id = optional_string(body, "externalId")
    raw_items = _raw_items(body.get("productOrderItem"))
    products = state.products(msisdn)
    if products is None:
        raise unprocessable("UNKNOWN_NUMBER", f"{msisdn!r} is not a number of this operator")
    tariff_product = next(p for p in products if p.id == f"PRD-{msisdn[1:]}-tariff")
    checker = _Checker(state, msisdn, tariff_product)
    items = [checker.check(raw) for raw in raw_items]
    # Two open orders on one product would race: the second waits for the first.
    busy = {item.product_id for order in state.orders.open_orders(msisdn) for item in order.items}
    for item in items:
        if item.product_id in busy:
            raise unprocessable(
                "ORDER_IN_PROGRESS", f"item {item.id}: an open order is changing {item.product_id}"
            )
    # Package products are numbered only once the whole order is accepted.
    for item in items:
        if item.kind is ItemKind.PACKAGE:
            item.product_id = f"PRD-{msisdn[1:]}-pkg-{state.next_package_number(msisdn)}"
    return OrderPlan(msisdn, external_id, items)


class _Checker:
    def __init__(self, state: ProvisioningState, msisdn: str, tariff_product: ProductRecord):
        self.state = state
        self.msisdn = msisdn
        self.tariff_product = tariff_product
        self.tariff = TARIFFS_BY_ID[tariff_product.offering_id]

    def check(self, raw: _RawItem) -> OrderItem:
        offering_id = raw.offering_id
        if raw.product_id is not None:
            product = self.state.product(self.msisdn, raw.product_id)
            if product is None:
                raise _refused(raw, "UNKNOWN_PRODUCT", f"no product {raw.product_id!r}")
            if offering_id is None:
                offering_id = product.offering_id
            elif raw.action is not ItemAction.MODIFY and offering_id != product.offering_id:
                raise bad_request(f"item {raw.id}: the product and the offering disagree")
        if offering_id is None:  # _raw_item saw to it that the product was named
            raise bad_request(f"item {raw.id} names neither product.id nor productOffering.id")
        if offering_id in SERVICES_BY_ID:
            return self._service(raw, offering_id)
        if offering_id in PACKAGES_BY_ID:
            return self._package(raw, offering_id)
        if offering_id in TARIFFS_BY_ID:
            return self._tariff(raw, TARIFFS_BY_ID[offering_id])
        raise _refused(raw, "UNKNOWN_OFFERING", f"no offering {offering_id!r}")

    def _service(self, raw: _RawItem, service_id: str) -> OrderItem:
        product_id = f"PRD-{self.msisdn[1:]}-{service_id}"
        existing = self.state.product(self.msisdn, product_id)
        connected = existing is not None and existing.status in _CONNECTED
        if raw.action is ItemAction.ADD:
            if not SERVICES_BY_ID[service_id].available_on(self.tariff.id):
                raise _refused(
                    raw, "SERVICE_NOT_AVAILABLE", f"{service_id} is not offered on {self.tariff.id}"
                )
            if connected:
                raise _refused(raw, "ALREADY_CONNECTED", f"{service_id} is already connected")
        elif raw.action is ItemAction.DELETE:
            if existing is None or existing.status != "active":
                raise _refused(raw, "NOT_CONNECTED", f"{service_id} is not connected")
        else:
            raise _refused(raw, "ACTION_NOT_ALLOWED", "a service is added or deleted")
        return OrderItem(raw.id, raw.action, ItemKind.SERVICE, service_id, product_id)

    def _package(self, raw: _RawItem, package_id: str) -> OrderItem:
        if raw.action is not ItemAction.ADD:
            raise _refused(raw, "ACTION_NOT_ALLOWED", "a package is only added; it expires")
        if not self.tariff.has_finite_data:
            raise _refused(
                raw, "SERVICE_NOT_AVAILABLE", f"{self.tariff.id} has no data quota to add to"
            )
        package = PACKAGES_BY_ID[package_id]
        return OrderItem(raw.id, raw.action, ItemKind.PACKAGE, package_id, "", price=package.price)

    def _tariff(self, raw: _RawItem, target: Tariff) -> OrderItem:
        if raw.action is not ItemAction.MODIFY:
            raise _refused(raw, "ACTION_NOT_ALLOWED", "the tariff is changed with 'modify'")
        same = target.id == self.tariff.id
        chosen = dict(self.tariff_product.characteristics) if same else _defaults(target)
        for name, value in raw.characteristics:
            chosen.update(_allowed_value(raw, target, name, value))
        if same and chosen == self.tariff_product.characteristics:
            raise _refused(raw, "SAME_TARIFF", f"the number already has {target.id} like this")
        return OrderItem(
            raw.id,
            raw.action,
            ItemKind.TARIFF,
            target.id,
            self.tariff_product.id,
            characteristics=chosen,
            # Tuning the tariff one has is free; switching costs the target's change fee.
            price=Decimal(0) if same else target.change_fee,
        )


def _defaults(tariff: Tariff) -> dict[str, AllowanceValue]:
    return {a.characteristic.value: a.default for a in tariff.allowances if a.configurable}


def _allowed_value(
    raw: _RawItem, tariff: Tariff, name: str, value: Any
) -> dict[str, AllowanceValue]:
    """``{name: value}`` to record, ``{}`` for a fixed allowance's own value, else a 422."""
    allowance = next((a for a in tariff.allowances if a.characteristic.value == name), None)
    chosen = _allowance_value(value)
    if allowance is None or chosen not in allowance.values:
        raise _refused(raw, "VALUE_NOT_ALLOWED", f"{tariff.id} does not offer {name} = {value!r}")
    return {name: chosen} if allowance.configurable else {}


def _allowance_value(value: Any) -> AllowanceValue | None:
    if value == UNLIMITED:
        return UNLIMITED
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _refuse_overlaps(items: list[_RawItem]) -> None:
    """Two items on one service, or two tariff items, make no sense in one order (several
    packages do). Judged on the request alone, so it is a 400 before any 422."""
    seen: set[str] = set()
    for item in items:
        if item.offering_id in PACKAGES_BY_ID:
            continue
        is_tariff = item.offering_id in TARIFFS_BY_ID or (item.product_id or "").endswith("-tariff")
        key = "the tariff" if is_tariff else item.offering_id or item.product_id or ""
        if key in seen:
            raise bad_request(f"two items of the order change {key}")
        seen.add(key)


def _customer(body: dict[str, Any]) -> str:
    parties = body.get("relatedParty")
    if not isinstance(parties, list) or not parties:
        raise bad_request("'relatedParty' must list the customer: [{'id': MSISDN, ...}]")
    customers = [p for p in parties if isinstance(p, dict) and p.get("role") == "customer"]
    party = customers[0] if customers else parties[0]
    if not isinstance(party, dict) or not isinstance(party.get("id"), str) or not party["id"]:
        raise bad_request("the customer in 'relatedParty' needs an 'id' (the MSISDN)")
    return str(party["id"])


def _raw_items(value: Any) -> list[_RawItem]:
    if not isinstance(value, list) or not value:
        raise bad_request("'productOrderItem' must be a non-empty list")
    if len(value) > MAX_ITEMS:
        raise bad_request(f"an order has at most {MAX_ITEMS} items")
    items = [_raw_item(item, index) for index, item in enumerate(value, start=1)]
    if len({item.id for item in items}) != len(items):
        raise bad_request("the items' ids must differ")
    _refuse_overlaps(items)
    return items


def _raw_item(value: Any, index: int) -> _RawItem:
    if not isinstance(value, dict):
        raise bad_request("each productOrderItem must be an object")
    item_id = value.get("id", str(index))
    if not isinstance(item_id, str) or not item_id:
        raise bad_request("an item's 'id' must be a non-empty string")
    try:
        action = ItemAction(str(value.get("action")))
    except ValueError:
        raise bad_request(f"item {item_id}: 'action' must be add, delete or modify") from None
    product = value.get("product", {})
    if not isinstance(product, dict):
        raise bad_request(f"item {item_id}: 'product' must be an object")
    # TMF622 allows the offering on the item or on its product.
    offering = product.get("productOffering", value.get("productOffering"))
    offering_id = _ref_id(offering, f"item {item_id}: productOffering")
    product_id = product.get("id")
    if product_id is not None and (not isinstance(product_id, str) or not product_id):
        raise bad_request(f"item {item_id}: 'product.id' must be a non-empty string")
    if offering_id is None and product_id is None:
        raise bad_request(f"item {item_id} names neither product.id nor productOffering.id")
    return _RawItem(item_id, action, offering_id, product_id, _characteristics(product, item_id))


def _ref_id(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("id"), str) or not value["id"]:
        raise bad_request(f"{what} must be an object with an 'id'")
    return str(value["id"])


def _characteristics(product: dict[str, Any], item_id: str) -> list[tuple[str, Any]]:
    value = product.get("productCharacteristic", [])
    if not isinstance(value, list):
        raise bad_request(f"item {item_id}: 'productCharacteristic' must be a list")
    found = []
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise bad_request(f"item {item_id}: a characteristic is {{name, value}}")
        found.append((entry["name"], entry.get("value")))
    return found


def _refused(raw: _RawItem, code: str, message: str) -> TmfError:
    return unprocessable(code, f"item {raw.id}: {message}")
