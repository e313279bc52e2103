"""What provisioning knows: the catalog and each number's products, customer and links."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from domain.money import Money
from domain.quotas import QuotaKind


class OfferingKind(Enum):
    TARIFF = "tariff"
    SERVICE = "service"
    PACKAGE = "package"


class ServiceCategory(Enum):
    SUBSCRIPTION = "subscription"
    ROAMING = "roaming"
    RINGBACK = "ringback"
    OTHER = "other"


class ProductStatus(Enum):
    """TMF637 ProductStatusType."""

    CREATED = "created"
    PENDING_ACTIVE = "pendingActive"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    PENDING_TERMINATE = "pendingTerminate"
    TERMINATED = "terminated"


@dataclass(frozen=True, slots=True)
class AllowanceRecord:
    kind: QuotaKind
    amount: float | None
    unlimited: bool

    @property
    def unit(self) -> str:
        return self.kind.unit


@dataclass(frozen=True, slots=True)
class OptionPriceRecord:
    """One allowed value of a configurable tariff's characteristic and what it adds."""

    value: int
    price: Money
    is_default: bool


@dataclass(frozen=True, slots=True)
class TariffOptionsRecord:
    """What a configurable tariff allows: its fee is `base_fee` plus the chosen values'."""

    base_fee: Money
    minutes: tuple[OptionPriceRecord, ...]
    gigabytes: tuple[OptionPriceRecord, ...]


@dataclass(frozen=True, slots=True)
class TariffRecord:
    id: str
    name: str
    description: str | None
    monthly_fee: Money
    allowances: tuple[AllowanceRecord, ...]
    options: TariffOptionsRecord | None = None
    # What switching to this tariff costs once («Смена тарифа»), when the catalog says.
    change_fee: Money | None = None

    @property
    def configurable(self) -> bool:
        return self.options is not None

    def configured(self, chosen: Mapping[str, str]) -> TariffRecord:
        """The tariff with a subscriber's chosen `minutes` and `gigabytes`: allowances and
        fee recomputed from the catalog's per-value prices. A missing or unknown value
        counts as the default: the catalog is the authority on what can be chosen."""
        options = self.options
        if options is None:
            return self
        fee = options.base_fee
        allowances = {a.kind: a for a in self.allowances}
        for name, choices, kind in (
            ("minutes", options.minutes, QuotaKind.VOICE),
            ("gigabytes", options.gigabytes, QuotaKind.DATA),
        ):
            if not choices:
                continue
            wanted = chosen.get(name)
            option = next((o for o in choices if str(o.value) == wanted), None)
            option = option or next((o for o in choices if o.is_default), choices[0])
            fee = fee + option.price
            allowances[kind] = AllowanceRecord(kind, float(option.value), unlimited=False)
        return dataclasses.replace(
            self,
            monthly_fee=fee,
            allowances=tuple(allowances[k] for k in QuotaKind if k in allowances),
        )


@dataclass(frozen=True, slots=True)
class ServiceOfferingRecord:
    id: str
    name: str
    description: str | None
    category: ServiceCategory
    fee: Money | None
    # Tariffs the service may be connected on; empty means every tariff.
    available_for: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class PackageRecord:
    id: str
    name: str
    description: str | None
    price: Money
    adds: tuple[AllowanceRecord, ...]


@dataclass(frozen=True, slots=True)
class CatalogRecord:
    tariffs: tuple[TariffRecord, ...]
    services: tuple[ServiceOfferingRecord, ...]
    packages: tuple[PackageRecord, ...]

    def tariff(self, offering_id: str) -> TariffRecord | None:
        return next((t for t in self.tariffs if t.id == offering_id), None)

    def service(self, offering_id: str) -> ServiceOfferingRecord | None:
        return next((s for s in self.services if s.id == offering_id), None)

    def package(self, offering_id: str) -> PackageRecord | None:
        return next((p for p in self.packages if p.id == offering_id), None)


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """One thing a number has: its tariff, a connected service or an active package."""

    id: str
    msisdn: str
    offering_id: str
    name: str
    status: ProductStatus
    characteristics: tuple[tuple[str, str], ...]
    start_date: datetime | None

    def characteristic(self, name: str) -> str | None:
        return next((v for n, v in self.characteristics if n == name), None)


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    msisdn: str
    name: str | None
    region: str | None


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """A confirmed permission: `owner` manages `msisdn`."""

    id: str
    owner: str
    msisdn: str
    alias: str | None
    created_at: datetime | None


class OrderAction(Enum):
    ADD = "add"
    DELETE = "delete"
    MODIFY = "modify"


@dataclass(frozen=True, slots=True)
class OrderItemSpec:
    action: OrderAction
    offering_id: str
    characteristics: tuple[tuple[str, int], ...] = ()


class OrderState(Enum):
    """TMF622 ProductOrderStateType (the subset the gateway shows)."""

    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "inProgress"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    PENDING = "pending"
    HELD = "held"
    PARTIAL = "partial"
    ASSESSING_CANCELLATION = "assessingCancellation"
    PENDING_CANCELLATION = "pendingCancellation"


@dataclass(frozen=True, slots=True)
class OrderItemRecord:
    action: OrderAction
    offering_id: str
    offering_name: str | None


@dataclass(frozen=True, slots=True)
class OrderRecord:
    id: str
    msisdn: str
    state: OrderState
    items: tuple[OrderItemRecord, ...]
    ordered_at: datetime | None
    completed_at: datetime | None
    failure: str | None
