"""Tariffs: fee, allowances, and the choices of the configurable one."""

from __future__ import annotations

import strawberry

from domain.provisioning import (
    AllowanceRecord,
    OptionPriceRecord,
    TariffOptionsRecord,
    TariffRecord,
)
from schema.enums import QuotaKind
from schema.money import Money


@strawberry.type
class Allowance:
    kind: QuotaKind
    amount: float | None
    unit: str
    unlimited: bool

    @classmethod
    def from_record(cls, record: AllowanceRecord) -> Allowance:
        return cls(
            kind=record.kind, amount=record.amount, unit=record.unit, unlimited=record.unlimited
        )


@strawberry.type(
    description="One allowed value of a configurable tariff and what it adds to the fee."
)
class TariffOption:
    value: int
    price: Money
    is_default: bool

    @classmethod
    def from_record(cls, record: OptionPriceRecord) -> TariffOption:
        return cls(
            value=record.value, price=Money.from_record(record.price), is_default=record.is_default
        )


@strawberry.type(
    description="What a configurable tariff allows: minutes and GB, each with a price."
)
class TariffOptions:
    base_fee: Money
    minutes: list[TariffOption]
    gigabytes: list[TariffOption]

    @classmethod
    def from_record(cls, record: TariffOptionsRecord) -> TariffOptions:
        return cls(
            base_fee=Money.from_record(record.base_fee),
            minutes=[TariffOption.from_record(o) for o in record.minutes],
            gigabytes=[TariffOption.from_record(o) for o in record.gigabytes],
        )


@strawberry.type
class Tariff:
    id: strawberry.ID
    name: str
    description: str | None
    monthly_fee: Money
    allowances: list[Allowance]
    configurable: bool
    record: strawberry.Private[TariffRecord]

    @strawberry.field
    def options(self) -> TariffOptions | None:
        # Converted when asked: a configurable tariff's price lists are long, and a screen
        # showing the tariff (or a dashboard, fifty of them) seldom asks for them.
        options = self.record.options
        return TariffOptions.from_record(options) if options else None

    @classmethod
    def from_record(cls, record: TariffRecord) -> Tariff:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            description=record.description,
            monthly_fee=Money.from_record(record.monthly_fee),
            allowances=[Allowance.from_record(a) for a in record.allowances],
            configurable=record.configurable,
            record=record,
        )
