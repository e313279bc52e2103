"""A number's account in billing: the money balance and the quota buckets.

Accounts are copied out of the world on first use and then changed in place by
payments' top-ups, transfers and adjustments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from backends.catalog import PACKAGES_BY_ID, Characteristic
from backends.dataset import Subscriber

_QUOTA_NAMES = {
    Characteristic.GIGABYTES: "Internet",
    Characteristic.MINUTES: "Minutes",
    Characteristic.SMS: "SMS",
}
_UNITS = {c.usage_type: c.unit for c in Characteristic}


def unit_of(usage_type: str) -> str | None:
    """``data`` -> ``GB``, ``voice`` -> ``min``, ``sms`` -> ``SMS``."""
    return _UNITS.get(usage_type)


@dataclass
class QuotaBucket:
    id: str
    usage_type: str  # data, voice or sms
    name: str
    units: str
    initial: Decimal
    remaining: Decimal
    unlimited: bool
    valid_from: datetime
    valid_until: datetime
    product_id: str | None  # the TMF637 product it comes from; None for a gift
    status: str = "active"

    def usable_at(self, moment: datetime) -> bool:
        return self.status == "active" and self.valid_from <= moment < self.valid_until


@dataclass
class Account:
    msisdn: str
    balance: Decimal
    opened: datetime
    quotas: list[QuotaBucket]

    @property
    def digits(self) -> str:
        return self.msisdn[1:]

    @property
    def monetary_bucket_id(self) -> str:
        return f"BKT-{self.digits}-monetary"

    def bucket(self, bucket_id: str) -> QuotaBucket | None:
        return next((quota for quota in self.quotas if quota.id == bucket_id), None)

    def data_buckets(self, moment: datetime) -> list[QuotaBucket]:
        """The data quotas usable now, the one that expires first first."""
        usable = [q for q in self.quotas if q.usage_type == "data" and q.usable_at(moment)]
        return sorted(usable, key=lambda quota: quota.valid_until)

    def next_package_bucket_id(self) -> str:
        """``BKT-<digits>-pkg-<n>``: bought packages and received gifts share the numbers."""
        prefix = f"BKT-{self.digits}-pkg-"
        numbers = [int(q.id[len(prefix) :]) for q in self.quotas if q.id.startswith(prefix)]
        return f"{prefix}{max(numbers, default=0) + 1}"


def account_of(subscriber: Subscriber) -> Account:
    digits = subscriber.msisdn[1:]
    quotas = [
        QuotaBucket(
            id=f"BKT-{digits}-{quota.characteristic.usage_type}",
            usage_type=quota.characteristic.usage_type,
            name=_QUOTA_NAMES[quota.characteristic],
            units=quota.characteristic.unit,
            initial=quota.initial,
            remaining=quota.remaining,
            unlimited=quota.unlimited,
            valid_from=subscriber.period_start,
            valid_until=subscriber.period_end,
            product_id=f"PRD-{digits}-tariff",
        )
        for quota in subscriber.quotas
    ]
    for grant in subscriber.packages:
        package = PACKAGES_BY_ID[grant.package_id]
        quotas.append(
            QuotaBucket(
                id=f"BKT-{digits}-pkg-{grant.number}",
                usage_type=Characteristic.GIGABYTES.usage_type,
                name=package.name,
                units=Characteristic.GIGABYTES.unit,
                initial=Decimal(package.gigabytes),
                remaining=grant.remaining_gb,
                unlimited=False,
                valid_from=grant.start,
                valid_until=grant.end,
                product_id=f"PRD-{digits}-pkg-{grant.number}",
            )
        )
    return Account(subscriber.msisdn, subscriber.balance, subscriber.since, quotas)
