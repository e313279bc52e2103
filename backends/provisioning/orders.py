"""Product orders (TMF622): what a number asked to change, and where that stands.

An order moves ``acknowledged`` -> ``inProgress`` -> ``completed`` or ``failed``
(:mod:`backends.provisioning.fulfilment` takes the steps). Each item adds or removes a
service, adds a traffic package, or changes (or tunes) the tariff, and carries the
one-time price it costs: a package's price, or the target tariff's change fee.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from backends.catalog import AllowanceValue


class OrderState(StrEnum):
    """The TMF622 ProductOrderStateType values an order here goes through."""

    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "inProgress"
    COMPLETED = "completed"
    FAILED = "failed"


class ItemAction(StrEnum):
    ADD = "add"
    DELETE = "delete"
    MODIFY = "modify"


class ItemKind(StrEnum):
    SERVICE = "service"
    PACKAGE = "package"
    TARIFF = "tariff"


@dataclass
class OrderItem:
    id: str  # the client's item id
    action: ItemAction
    kind: ItemKind
    offering_id: str  # the service, the package, or the target tariff
    product_id: str  # the product the item creates, changes or terminates
    characteristics: dict[str, AllowanceValue] = field(default_factory=dict)
    price: Decimal = Decimal(0)  # one-time, charged at completion
    state: OrderState = OrderState.ACKNOWLEDGED
    # How to undo the in-progress mark if the order fails: the product's status before
    # (None when the order created the product).
    status_before: str | None = None


@dataclass(frozen=True, slots=True)
class OrderError:
    code: str
    message: str


@dataclass
class OrderRecord:
    id: str
    msisdn: str
    external_id: str | None
    items: list[OrderItem]
    created: datetime
    state: OrderState = OrderState.ACKNOWLEDGED
    completed: datetime | None = None
    error: OrderError | None = None

    @property
    def final(self) -> bool:
        return self.state in (OrderState.COMPLETED, OrderState.FAILED)

    @property
    def one_time_total(self) -> Decimal:
        return sum((item.price for item in self.items), Decimal(0))

    def move(self, state: OrderState) -> None:
        self.state = state
        for item in self.items:
            item.state = state


class OrderBook:
    def __init__(self) -> None:
        self._orders: dict[str, OrderRecord] = {}
        self._by_msisdn: dict[str, list[OrderRecord]] = {}
        self._ids = itertools.count(1)

    def new_id(self) -> str:
        return f"ORD-{next(self._ids)}"

    def add(self, order: OrderRecord) -> None:
        self._orders[order.id] = order
        self._by_msisdn.setdefault(order.msisdn, []).append(order)

    def order(self, order_id: str) -> OrderRecord | None:
        return self._orders.get(order_id)

    def of(self, msisdns: Iterable[str] | None) -> list[OrderRecord]:
        """The numbers' orders, newest first."""
        if msisdns is None:
            found = list(self._orders.values())
        else:
            found = [
                o for msisdn in dict.fromkeys(msisdns) for o in self._by_msisdn.get(msisdn, ())
            ]
        return sorted(found, key=lambda order: (order.created, int(order.id[4:])), reverse=True)

    def open_orders(self, msisdn: str) -> list[OrderRecord]:
        return [o for o in self._by_msisdn.get(msisdn, ()) if not o.final]
