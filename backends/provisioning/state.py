"""Provisioning's mutable state: per number its products and customer record, the
linked-number permissions, the password credentials and the product orders.

Products and customers are copied out of the world on first use; permissions are few
and need an index both ways (who manages whom), so they are built up front.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from backends.catalog import PACKAGES_BY_ID, SERVICES_BY_ID, AllowanceValue
from backends.dataset import Subscriber, World
from backends.kit.timestamps import utc_now
from backends.provisioning.identity import CredentialStore
from backends.provisioning.orders import OrderBook


@dataclass
class ProductRecord:
    id: str
    msisdn: str
    offering_id: str
    name: str
    start: datetime
    status: str = "active"
    end: datetime | None = None
    characteristics: dict[str, AllowanceValue] = field(default_factory=dict)


@dataclass
class CustomerRecord:
    msisdn: str
    name: str
    region: str
    status: str = "Approved"


@dataclass
class PermissionRecord:
    id: str
    user: str  # the managing account
    granter: str  # the linked number
    description: str  # the user's alias for the linked number
    created: datetime


class LinkRefusedError(Exception):
    """Why a permission cannot be created (the handler maps it to a 400 or a 409)."""


class UnknownNumberError(LinkRefusedError):
    pass


class SelfLinkError(LinkRefusedError):
    pass


class DuplicateLinkError(LinkRefusedError):
    pass


class ProvisioningState:
    def __init__(self, world: World) -> None:
        self.world = world
        self.credentials = CredentialStore(world)
        self._products: dict[str, list[ProductRecord]] = {}
        self._package_numbers: dict[str, int] = {}
        self.orders = OrderBook()
        self._customers: dict[str, CustomerRecord] = {}
        self._permissions: dict[str, PermissionRecord] = {}
        self._by_user: dict[str, list[str]] = {}
        self._by_granter: dict[str, list[str]] = {}
        for link in world.links:
            self._store(
                PermissionRecord(link.id, link.manager, link.linked, link.alias, link.created)
            )
        self._next_permission = len(world.links) + 1

    # products (TMF637)

    def products(self, msisdn: str) -> list[ProductRecord] | None:
        products = self._products.get(msisdn)
        if products is None:
            subscriber = self.world.subscriber(msisdn)
            if subscriber is None:
                return None
            products = self._products[msisdn] = _products_of(subscriber)
        return products

    def products_of(self, msisdns: Iterable[str] | None) -> Iterator[ProductRecord]:
        for msisdn in self.world.msisdns() if msisdns is None else msisdns:
            yield from self.products(msisdn) or ()

    def product(self, msisdn: str, product_id: str) -> ProductRecord | None:
        return next((p for p in self.products(msisdn) or () if p.id == product_id), None)

    def add_product(self, record: ProductRecord) -> None:
        products = self.products(record.msisdn)
        if products is None:
            raise ValueError(f"{record.msisdn} is not a number of this operator")
        products.append(record)

    def remove_product(self, record: ProductRecord) -> None:
        products = self.products(record.msisdn) or []
        if record in products:
            products.remove(record)

    def next_package_number(self, msisdn: str) -> int:
        """The ``n`` of the number's next ``PRD-<digits>-pkg-<n>``, never handed out twice."""
        last = self._package_numbers.get(msisdn)
        if last is None:
            prefix = f"PRD-{msisdn[1:]}-pkg-"
            last = max(
                (
                    int(p.id[len(prefix) :])
                    for p in self.products(msisdn) or ()
                    if p.id.startswith(prefix)
                ),
                default=0,
            )
        self._package_numbers[msisdn] = last + 1
        return last + 1

    # customers (TMF629)

    def customer(self, msisdn: str) -> CustomerRecord | None:
        customer = self._customers.get(msisdn)
        if customer is None:
            subscriber = self.world.subscriber(msisdn)
            if subscriber is None:
                return None
            customer = CustomerRecord(subscriber.msisdn, subscriber.name, subscriber.region)
            self._customers[msisdn] = customer
        return customer

    def customers(self, msisdns: Iterable[str] | None) -> Iterator[CustomerRecord]:
        for msisdn in self.world.msisdns() if msisdns is None else msisdns:
            customer = self.customer(msisdn)
            if customer is not None:
                yield customer

    # permissions (TMF672)

    def permission(self, permission_id: str) -> PermissionRecord | None:
        return self._permissions.get(permission_id)

    def permissions(
        self, users: Iterable[str] | None = None, granters: Iterable[str] | None = None
    ) -> list[PermissionRecord]:
        """Permissions of any of ``users`` and any of ``granters`` (None: no constraint)."""
        if users is None and granters is None:
            return list(self._permissions.values())
        ids = _ids(self._by_user, users) if users is not None else None
        if granters is not None:
            by_granter = _ids(self._by_granter, granters)
            if ids is None:
                ids = by_granter
            else:
                wanted = set(by_granter)
                ids = [i for i in ids if i in wanted]
        return [self._permissions[i] for i in ids or ()]

    def add_permission(self, user: str, granter: str, description: str) -> PermissionRecord:
        for msisdn in (user, granter):
            if self.world.subscriber(msisdn) is None:
                raise UnknownNumberError(f"{msisdn!r} is not a number of this operator")
        if user == granter:
            raise SelfLinkError("a number cannot be linked to itself")
        if any(self._permissions[i].granter == granter for i in self._by_user.get(user, ())):
            raise DuplicateLinkError(f"{granter} is already linked to {user}")
        record = PermissionRecord(
            f"PRM-{self._next_permission}", user, granter, description, utc_now()
        )
        self._next_permission += 1
        self._store(record)
        return record

    def remove_permission(self, permission_id: str) -> bool:
        record = self._permissions.pop(permission_id, None)
        if record is None:
            return False
        self._by_user[record.user].remove(permission_id)
        self._by_granter[record.granter].remove(permission_id)
        return True

    def _store(self, record: PermissionRecord) -> None:
        self._permissions[record.id] = record
        self._by_user.setdefault(record.user, []).append(record.id)
        self._by_granter.setdefault(record.granter, []).append(record.id)


def _ids(index: dict[str, list[str]], keys: Iterable[str]) -> list[str]:
    return [permission_id for key in keys for permission_id in index.get(key, ())]


def _products_of(subscriber: Subscriber) -> list[ProductRecord]:
    digits = subscriber.msisdn[1:]
    tariff = subscriber.tariff
    products = [
        ProductRecord(
            f"PRD-{digits}-tariff",
            subscriber.msisdn,
            tariff.id,
            tariff.name,
            subscriber.since,
            characteristics={c.value: v for c, v in subscriber.tariff_values},
        )
    ]
    for connected in subscriber.services:
        service = SERVICES_BY_ID[connected.service_id]
        products.append(
            ProductRecord(
                f"PRD-{digits}-{service.id}",
                subscriber.msisdn,
                service.id,
                service.name,
                connected.since,
            )
        )
    for grant in subscriber.packages:
        package = PACKAGES_BY_ID[grant.package_id]
        products.append(
            ProductRecord(
                f"PRD-{digits}-pkg-{grant.number}",
                subscriber.msisdn,
                package.id,
                package.name,
                grant.start,
                end=grant.end,
            )
        )
    return products
