"""A subscriber's applied charges (expenses), derived lazily per number and month.

Charges for six months of 10,000 subscribers would be millions of records, so none are
stored: ``month_charges`` derives one number's month from a generator seeded by (world
seed, number, month), which is deterministic across processes and cheap, and
``ChargeHistory`` keeps the months last asked for. History runs from the first of the
month six months back up to the start of today.
"""

from __future__ import annotations

import calendar
import hashlib
import random
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from backends.catalog import SERVICES_BY_ID, ServiceCategory
from backends.dataset import Subscriber, World
from backends.kit.timestamps import midnight

HISTORY_MONTHS = 6


class ChargeType(StrEnum):
    """The spending categories (``type`` of a TMF678 appliedCustomerBillingRate)."""

    SUBSCRIPTION = "subscription"
    VOICE = "voice"
    SMS = "sms"
    DATA = "data"
    ROAMING = "roaming"
    SERVICES = "services"
    ENTERTAINMENT = "entertainment"


_SERVICE_CHARGE_TYPES = {
    ServiceCategory.SUBSCRIPTION: ChargeType.ENTERTAINMENT,
    ServiceCategory.ROAMING: ChargeType.ROAMING,
    ServiceCategory.RINGBACK: ChargeType.SERVICES,
    ServiceCategory.OTHER: ChargeType.SERVICES,
}


@dataclass(frozen=True, slots=True)
class Charge:
    id: str
    msisdn: str
    date: datetime
    name: str
    type: ChargeType
    amount: Decimal


def history_start(today: date) -> datetime:
    month_index = today.year * 12 + today.month - 1 - HISTORY_MONTHS
    return midnight(date(month_index // 12, month_index % 12 + 1, 1))


class ChargeHistory:
    """A world's charges, with the months last asked for kept: a dashboard asks for the
    same numbers' months over and over, and a month, once derived, never changes."""

    def __init__(self, world: World, capacity: int = 5_000) -> None:
        self.world = world
        self._capacity = capacity
        self._months: OrderedDict[tuple[str, int, int], list[Charge]] = OrderedDict()

    def between(
        self, subscriber: Subscriber, start: datetime | None, end: datetime | None
    ) -> list[Charge]:
        """The charges dated in ``[start, end)`` (clipped to the history), oldest first."""
        first = history_start(self.world.today)
        cut = midnight(self.world.today)
        low = max(start, first) if start else first
        high = min(end, cut) if end else cut
        found: list[Charge] = []
        year, month = low.year, low.month
        while midnight(date(year, month, 1)) < high:
            found.extend(c for c in self.month(subscriber, year, month) if low <= c.date < high)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    def charge(self, charge_id: str) -> Charge | None:
        """Find a charge by its id, ``ACBR-<number digits>-<yyyymm>-<n>``."""
        parts = charge_id.split("-")
        if len(parts) != 4 or parts[0] != "ACBR" or not all(p.isdigit() for p in parts[1:]):
            return None
        subscriber = self.world.subscriber(f"+{parts[1]}")
        year, month = divmod(int(parts[2]), 100)
        if subscriber is None or not 1 <= month <= 12:
            return None
        return next((c for c in self.month(subscriber, year, month) if c.id == charge_id), None)

    def month(self, subscriber: Subscriber, year: int, month: int) -> list[Charge]:
        key = (subscriber.msisdn, year, month)
        charges = self._months.get(key)
        if charges is None:
            charges = self._months[key] = month_charges(self.world, subscriber, year, month)
            if len(self._months) > self._capacity:
                self._months.popitem(last=False)
        else:
            self._months.move_to_end(key)
        return charges


def month_charges(world: World, subscriber: Subscriber, year: int, month: int) -> list[Charge]:
    """One number's charges in one month of its history, oldest first."""
    first = midnight(date(year, month, 1))
    if not history_start(world.today) <= first < midnight(world.today):
        return []
    key = f"{world.seed}:{subscriber.msisdn}:{year:04d}-{month:02d}".encode()
    rng = random.Random(int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big"))
    days = calendar.monthrange(year, month)[1]
    raw = [*_fees(subscriber, first, days), *_usage(rng, subscriber, first, days)]
    raw.sort(key=lambda item: item[0])
    digits = subscriber.msisdn[1:]
    charges = [
        Charge(f"ACBR-{digits}-{year:04d}{month:02d}-{n}", subscriber.msisdn, *item)
        for n, item in enumerate(raw, start=1)
    ]
    # Ids are numbered over the whole month so they do not shift as days pass.
    cut = midnight(world.today)
    return [charge for charge in charges if subscriber.since <= charge.date < cut]


_RawCharge = tuple[datetime, str, ChargeType, Decimal]


def _fees(subscriber: Subscriber, first: datetime, days: int) -> list[_RawCharge]:
    """The monthly fee and service fees, charged on the subscriber's charge day."""
    charge_day = first + timedelta(days=min(subscriber.period_end.day, days) - 1, minutes=5)
    fees: list[_RawCharge] = []
    if subscriber.monthly_fee > 0:
        fees.append(
            (charge_day, "Абонентская плата", ChargeType.SUBSCRIPTION, subscriber.monthly_fee)
        )
    for connected in subscriber.services:
        service = SERVICES_BY_ID[connected.service_id]
        if service.monthly_fee > 0 and connected.since <= charge_day:
            kind = _SERVICE_CHARGE_TYPES[service.category]
            fees.append((charge_day, service.name, kind, service.monthly_fee))
    return fees


def _usage(
    rng: random.Random, subscriber: Subscriber, first: datetime, days: int
) -> list[_RawCharge]:
    """Pay-as-you-go usage (most of a T-CLASSIC bill), extras and occasional roaming."""
    pay_as_you_go = not subscriber.tariff.allowances
    usage: list[_RawCharge] = []

    def add(count: int, name: str, kind: ChargeType, low: int, high: int) -> None:
        for _ in range(count):
            moment = first + timedelta(seconds=rng.randrange(days * 86_400))
            usage.append((moment, name, kind, Decimal(rng.randint(low, high)).scaleb(-2)))

    if pay_as_you_go:
        add(rng.randint(10, 40), "Исходящие звонки", ChargeType.VOICE, 250, 3_750)
        add(rng.randint(3, 15), "SMS", ChargeType.SMS, 200, 200)
        add(rng.randint(5, 20), "Мобильный интернет", ChargeType.DATA, 1_000, 9_000)
    else:
        add(rng.randint(0, 3), "Звонки на номера других стран", ChargeType.VOICE, 900, 9_900)
        add(rng.randint(0, 4), "SMS на зарубежные номера", ChargeType.SMS, 550, 550)
        add(
            rng.choice((0, 0, 0, 1)),
            "Мобильный интернет сверх пакета",
            ChargeType.DATA,
            5_000,
            20_000,
        )
    if rng.random() < 0.15:
        add(rng.randint(1, 5), "Связь в роуминге", ChargeType.ROAMING, 4_900, 69_900)
    if rng.random() < 0.25:
        add(rng.randint(1, 3), "Контент-услуги", ChargeType.ENTERTAINMENT, 2_900, 19_900)
    return usage
