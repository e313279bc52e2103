"""Billing's mutable state: per number, the money balance and the quota buckets.

Accounts are copied out of the world on first use, so a 10,000-number world costs
nothing until it is asked for, and later work (top-ups, transfers) changes them in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from backends.catalog import PACKAGES_BY_ID, Characteristic
from backends.charges import Charge, ChargeHistory
from backends.dataset import Subscriber, World

_QUOTA_NAMES = {
    Characteristic.GIGABYTES: "Internet",
    Characteristic.MINUTES: "Minutes",
    Characteristic.SMS: "SMS",
}


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
    product_id: str
    status: str = "active"


@dataclass
class Account:
    msisdn: str
    balance: Decimal
    opened: datetime
    quotas: list[QuotaBucket]

    @property
    def monetary_bucket_id(self) -> str:
        return f"BKT-{self.msisdn[1:]}-monetary"


class BillingState:
    def __init__(self, world: World) -> None:
        self.world = world
        self.history = ChargeHistory(world)
        self._accounts: dict[str, Account] = {}

    def account(self, msisdn: str) -> Account | None:
        account = self._accounts.get(msisdn)
        if account is None:
            subscriber = self.world.subscriber(msisdn)
            if subscriber is None:
                return None
            account = self._accounts[msisdn] = _account_of(subscriber)
        return account

    def accounts(self, msisdns: Iterable[str] | None = None) -> Iterator[Account]:
        """The accounts of the listed numbers (unknown ones skipped), or of all numbers."""
        for msisdn in self.world.msisdns() if msisdns is None else msisdns:
            account = self.account(msisdn)
            if account is not None:
                yield account

    def charges(self, msisdn: str, start: datetime | None, end: datetime | None) -> list[Charge]:
        """The number's charges in ``[start, end)``, oldest first; none for unknown numbers."""
        subscriber = self.world.subscriber(msisdn)
        return [] if subscriber is None else self.history.between(subscriber, start, end)

    def charge(self, charge_id: str) -> Charge | None:
        return self.history.charge(charge_id)


def _account_of(subscriber: Subscriber) -> Account:
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
