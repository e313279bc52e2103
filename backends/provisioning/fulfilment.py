"""Taking an order through its states, with its effects on the inventory and in billing.

- ``acknowledged`` -> ``inProgress``: what the order adds appears ``pendingActive``, what
  it removes turns ``pendingTerminate``.
- ``inProgress`` -> ``completed``: billing charges the one-time total (packages, the
  tariff change fee) in one ``adjustBalance``, then adds each package's quota bucket;
  then the inventory changes for real. Changing the tariff terminates the services the
  new tariff does not offer.
- ``inProgress`` -> ``failed``: billing refused the charge (``INSUFFICIENT_BALANCE``) or
  could not be reached (``BILLING_UNAVAILABLE``); the pending marks are undone and,
  should a quota fail after the charge, the charge is credited back. Nothing changes.

Calls to billing carry idempotency keys made from the order, so a step retried after a
lost answer never charges twice.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from backends.catalog import PACKAGES_BY_ID, SERVICES_BY_ID, TARIFFS_BY_ID
from backends.kit.hub import EventHub
from backends.kit.peer import PeerClient, PeerUnavailableError
from backends.kit.responses import json_number
from backends.kit.timestamps import format_timestamp, utc_now
from backends.provisioning.order_resources import order_json
from backends.provisioning.orders import (
    ItemAction,
    ItemKind,
    OrderError,
    OrderItem,
    OrderRecord,
    OrderState,
)
from backends.provisioning.state import ProductRecord, ProvisioningState

ADJUST_BALANCE = "/tmf-api/prepayBalanceManagement/v4/adjustBalance"
BILLING_UNAVAILABLE = "BILLING_UNAVAILABLE"
CREATE_EVENT = "ProductOrderCreateEvent"
STATE_CHANGE_EVENT = "ProductOrderStateChangeEvent"


class _BillingRefusedError(Exception):
    def __init__(self, error: OrderError) -> None:
        super().__init__(error.message)
        self.error = error


class Fulfilment:
    def __init__(self, state: ProvisioningState, billing: PeerClient, hub: EventHub) -> None:
        self._state = state
        self._billing = billing
        self._hub = hub
        # Keeps this process's idempotency keys apart from an earlier run's, whose order
        # ids billing may still remember.
        self._run = uuid.uuid4().hex[:12]

    def accepted(self, order: OrderRecord) -> None:
        self._hub.publish(CREATE_EVENT, {"productOrder": order_json(order)})

    async def step(self, order: OrderRecord) -> bool:
        """Move the order one state on; True when it reached a final state."""
        if order.state is OrderState.ACKNOWLEDGED:
            self._start(order)
        elif order.state is OrderState.IN_PROGRESS:
            await self._finish(order)
        self._hub.publish(STATE_CHANGE_EVENT, {"productOrder": order_json(order)})
        return order.final

    def _start(self, order: OrderRecord) -> None:
        now = utc_now()
        for item in order.items:
            if item.action is ItemAction.ADD:
                self._mark_pending(order, item, now)
            elif item.action is ItemAction.DELETE:
                product = self._product(order, item)
                item.status_before = product.status
                product.status = "pendingTerminate"
        order.move(OrderState.IN_PROGRESS)

    def _mark_pending(self, order: OrderRecord, item: OrderItem, now: datetime) -> None:
        existing = self._state.product(order.msisdn, item.product_id)
        if existing is not None:  # a service connected before, then terminated
            item.status_before = existing.status
            existing.status = "pendingActive"
            return
        offering = SERVICES_BY_ID.get(item.offering_id) or PACKAGES_BY_ID[item.offering_id]
        self._state.add_product(
            ProductRecord(
                item.product_id, order.msisdn, item.offering_id, offering.name, now, "pendingActive"
            )
        )

    async def _finish(self, order: OrderRecord) -> None:
        # One moment for the whole completion: a package's product ends when its bucket does.
        now = utc_now()
        try:
            await self._bill(order, now)
        except _BillingRefusedError as refused:
            self._undo(order)
            order.error = refused.error
            order.move(OrderState.FAILED)
        else:
            self._apply(order, now)
            order.move(OrderState.COMPLETED)
        order.completed = now

    async def _bill(self, order: OrderRecord, now: datetime) -> None:
        total = order.one_time_total
        if total > 0:
            await self._adjust(
                order, "charge", _money(order, -total, _charge_reason(order), _charge_type(order))
            )
        packages = [item for item in order.items if item.kind is ItemKind.PACKAGE]
        for item in packages:
            try:
                await self._adjust(order, f"quota-{item.id}", _quota(order, item, now))
            except _BillingRefusedError:
                if total > 0:
                    await self._refund(order, total)
                raise

    async def _refund(self, order: OrderRecord, total: Decimal) -> None:
        # If even the refund fails there is nothing more to do: the order fails either way.
        with contextlib.suppress(_BillingRefusedError):
            await self._adjust(
                order,
                "refund",
                _money(order, total, "Возврат: заказ не выполнен", _charge_type(order)),
            )

    async def _adjust(self, order: OrderRecord, step: str, body: dict[str, Any]) -> None:
        key = f"provisioning-{self._run}-{order.id}-{step}"
        try:
            answer = await self._billing.post(ADJUST_BALANCE, body, key)
        except PeerUnavailableError as exc:
            raise _BillingRefusedError(OrderError(BILLING_UNAVAILABLE, str(exc))) from None
        if answer.status != 201:
            error = answer.body if isinstance(answer.body, dict) else {}
            raise _BillingRefusedError(
                OrderError(
                    str(error.get("code", BILLING_UNAVAILABLE)),
                    str(error.get("message", f"billing answered {answer.status}")),
                )
            )

    def _undo(self, order: OrderRecord) -> None:
        for item in order.items:
            if item.action is ItemAction.MODIFY:
                continue
            product = self._state.product(order.msisdn, item.product_id)
            if product is None:
                continue
            if item.status_before is None:
                self._state.remove_product(product)
            else:
                product.status = item.status_before

    def _apply(self, order: OrderRecord, now: datetime) -> None:
        for item in order.items:
            product = self._product(order, item)
            if item.kind is ItemKind.TARIFF:
                self._change_tariff(order, item, product, now)
            elif item.action is ItemAction.ADD:
                product.status = "active"
                product.start = now
                product.end = None
                if item.kind is ItemKind.PACKAGE:
                    days = PACKAGES_BY_ID[item.offering_id].validity_days
                    product.end = now + timedelta(days=days)
            else:
                product.status = "terminated"
                product.end = now

    def _change_tariff(
        self, order: OrderRecord, item: OrderItem, product: ProductRecord, now: datetime
    ) -> None:
        tariff = TARIFFS_BY_ID[item.offering_id]
        if product.offering_id != tariff.id:
            product.start = now
            for other in self._state.products(order.msisdn) or ():
                service = SERVICES_BY_ID.get(other.offering_id)
                if service and other.status == "active" and not service.available_on(tariff.id):
                    other.status = "terminated"
                    other.end = now
        product.offering_id = tariff.id
        product.name = tariff.name
        product.characteristics = dict(item.characteristics)

    def _product(self, order: OrderRecord, item: OrderItem) -> ProductRecord:
        product = self._state.product(order.msisdn, item.product_id)
        if product is None:  # validated at acceptance; only a bug gets here
            raise RuntimeError(f"{order.id}: product {item.product_id} vanished")
        return product


def _charge_reason(order: OrderRecord) -> str:
    names = []
    for item in order.items:
        if item.price > 0:
            offering = PACKAGES_BY_ID.get(item.offering_id)
            names.append(offering.name if offering else "Смена тарифа")
    return f"{order.id}: {', '.join(names)}"


def _charge_type(order: OrderRecord) -> str:
    """The spending category of the order's one-time total: traffic for packages alone."""
    paid = [item for item in order.items if item.price > 0]
    return "data" if paid and all(i.kind is ItemKind.PACKAGE for i in paid) else "services"


def _money(order: OrderRecord, amount: Decimal, reason: str, charge_type: str) -> dict[str, Any]:
    # chargeType: billing lists the charge (and its refund) under this spending category.
    return {
        "logicalResource": [{"id": order.msisdn}],
        "usageType": "monetary",
        "amount": {"amount": json_number(amount), "units": "RUB"},
        "adjustType": "oneTime",
        "reason": reason,
        "chargeType": charge_type,
    }


def _quota(order: OrderRecord, item: OrderItem, now: datetime) -> dict[str, Any]:
    package = PACKAGES_BY_ID[item.offering_id]
    return {
        "logicalResource": [{"id": order.msisdn}],
        "usageType": "data",
        "amount": {"amount": package.gigabytes, "units": "GB"},
        "name": package.name,
        "validFor": {
            "startDateTime": format_timestamp(now),
            "endDateTime": format_timestamp(now + timedelta(days=package.validity_days)),
        },
        "product": [{"id": item.product_id}],
        "adjustType": "oneTime",
        "reason": order.id,
    }
