"""Balance: money left and the minutes/GB/SMS left until the next charge."""

from __future__ import annotations

from datetime import datetime

import strawberry

from adapters.cache.derived import Derived
from domain.billing import BalanceRecord, QuotaRecord
from domain.reach import Reach
from resolvers import balances
from schema.converted import each
from schema.enums import QuotaKind
from schema.info import Info
from schema.loaded_reads import READS_LOADED_FROM_CONTEXT
from schema.money import Money


@strawberry.type
class Quota:
    kind: QuotaKind
    remaining: float
    total: float | None
    unit: str
    unlimited: bool
    valid_until: datetime | None
    name: str | None = strawberry.field(
        description="The bucket's name as billing gives it (a package's own, «+1 ГБ»); "
        "null when billing names none."
    )
    valid_from: datetime | None = strawberry.field(
        default=None,
        description="set when the quota starts later (OCS counts it already; it cannot be "
        "spent before)",
    )

    @classmethod
    def from_record(cls, record: QuotaRecord) -> Quota:
        return cls(
            kind=record.kind,
            remaining=record.remaining,
            total=record.total,
            unit=record.unit,
            unlimited=record.unlimited,
            valid_until=record.valid_until,
            name=record.name,
            valid_from=record.valid_from,
        )


# Converted once per record read (schema/converted.py): a balance decoded from the cache
# is the same record on every screen until it changes.
_money = Derived(Money.from_record)
_quotas = each(Quota.from_record)


@strawberry.type
class Balance:
    record: strawberry.Private[BalanceRecord]
    reach: strawberry.Private[Reach]

    @strawberry.field
    def money(self) -> Money:
        return _money(self.record.money)

    @strawberry.field
    def quotas(self) -> list[Quota]:
        return _quotas(self.record.quotas)

    @strawberry.field(description="When the monthly fee is charged next.")
    def next_charge_at(self) -> datetime | None:
        return self.record.next_charge_at

    @strawberry.field(
        description="The monthly fee of the current tariff, as configured.",
        metadata=READS_LOADED_FROM_CONTEXT,
    )
    async def next_charge_amount(self, info: Info) -> Money | None:
        amount = await balances.next_charge_amount(info.context, self.reach)
        return _money(amount) if amount else None

    @strawberry.field(description="When billing reported these figures.")
    def updated_at(self) -> datetime:
        return self.record.updated_at

    @strawberry.field(
        description="True when billing could not be asked and this is the last known balance."
    )
    def stale(self) -> bool:
        return self.record.stale
