"""What billing knows about a number, as frozen records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.money import Money
from domain.quotas import QuotaKind


@dataclass(frozen=True, slots=True)
class QuotaRecord:
    kind: QuotaKind
    remaining: float
    total: float | None
    unit: str
    unlimited: bool
    valid_until: datetime | None
    # The bucket's own name where billing gives one (a package's «+1 ГБ»).
    name: str | None = None
    valid_from: datetime | None = None  # only when it starts later than now


@dataclass(frozen=True, slots=True)
class BalanceRecord:
    msisdn: str
    money: Money
    quotas: tuple[QuotaRecord, ...]
    updated_at: datetime
    # Set when the record comes from the cache past its fresh TTL because billing failed.
    stale: bool = False
    # Whether the quotas' ends tell the next charge. False where they do not and billing
    # names no next charge either (SigScale OCS: a bucket's end is a top-up's as much as
    # the tariff's, and its product carries no renewal date): next_charge_at is None then.
    charge_at_quota_end: bool = True

    @property
    def next_charge_at(self) -> datetime | None:
        """Quotas last until the monthly fee is charged, so the earliest end of a tariff
        quota is the next charge; None where that does not hold (charge_at_quota_end)."""
        if not self.charge_at_quota_end:
            return None
        ends = [q.valid_until for q in self.quotas if q.valid_until is not None]
        return min(ends) if ends else None


@dataclass(frozen=True, slots=True)
class ChargeRecord:
    msisdn: str
    category: str
    name: str
    amount: Money
    charged_at: datetime


@dataclass(frozen=True, slots=True)
class TopUpRecord:
    id: str
    msisdn: str
    amount: Money


@dataclass(frozen=True, slots=True)
class AutopayRecord:
    id: str
    msisdn: str
    amount: Money
    monthly: bool
    threshold: Money | None
    method_name: str | None


@dataclass(frozen=True, slots=True)
class TransferRecord:
    id: str
    sender: str
    receiver: str
    gigabytes: int


@dataclass(frozen=True, slots=True)
class StatementRecord:
    id: str
    msisdn: str
    state: str
    email: str


@dataclass(frozen=True, slots=True)
class OrderedStatementRecord:
    """A statement ordered earlier (TMF678 customerBillOnDemand), as a number's list shows
    it. The period is [start, end): `end` is the midnight after its last day."""

    id: str
    msisdn: str
    start: datetime
    end: datetime
    format: str  # pdf or xlsx
    email: str
    state: str  # inProgress, done or terminatedWithError (TMF678)
    ordered_at: datetime
    error: str | None
