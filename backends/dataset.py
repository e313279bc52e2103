"""The one generated world every simulator serves.

``build_world(size, seed)`` is deterministic: billing, provisioning, SMS and loyalty each
build it on their own and agree on every subscriber. Numbers run from +79000000000
upward (index ``i`` is ``+7`` followed by ``9000000000 + i``); indices 1 to 8 are the
well-known subscribers of docs/backends.md ("The data set"), the rest are random. The
world is immutable: each service copies what it serves into its own mutable state.
Charges are not here: :mod:`backends.charges` derives them lazily per number and month.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from backends.catalog import (
    PACKAGES,
    SERVICES,
    TARIFFS_BY_ID,
    AllowanceValue,
    Characteristic,
    Tariff,
)
from backends.kit.timestamps import midnight
from backends.people import (
    FEMALE_FIRST_NAMES,
    LAST_NAMES,
    LINK_ALIASES,
    MALE_FIRST_NAMES,
    REGIONS,
)
from backends.promotions import PROMOTIONS, PROMOTIONS_BY_ID

FIRST_NUMBER = 9_000_000_000

DEMO_MSISDN = "+79000000001"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - the documented demo login, not a secret
ZERO_BALANCE_MSISDN = "+79000000002"
NEGATIVE_BALANCE_MSISDN = "+79000000003"
UNLIMITED_DATA_MSISDN = "+79000000004"
DEMO_MOTHER_MSISDN = "+79000000005"
DEMO_DAUGHTER_MSISDN = "+79000000006"
PAY_AS_YOU_GO_MSISDN = "+79000000007"
UNLINKED_MSISDN = "+79000000008"
# Indices 1..8 are fixed, so a world needs at least 9 numbers; random links and
# activations leave all of them alone so that they stay as documented.
MIN_SIZE = 9
_WELL_KNOWN = range(1, MIN_SIZE)

_FORCED_TARIFFS = {4: "T-UNLIM", 7: "T-CLASSIC"}
_FORCED_BALANCES = {2: Decimal("0.00"), 3: Decimal("-150.00")}
_TARIFF_WEIGHTS = {
    "T-ONLINE": 30,
    "T-TALK": 20,
    "T-UNLIM": 15,
    "T-CLASSIC": 10,
    "T-CONSTRUCTOR": 25,
}
_PROMO_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def msisdn_of(index: int) -> str:
    return f"+7{FIRST_NUMBER + index}"


def index_of(msisdn: str) -> int | None:
    """The index of a number of this operator's range, or None for anything else."""
    if len(msisdn) != 12 or not msisdn.startswith("+79") or not msisdn[1:].isdigit():
        return None
    return int(msisdn[2:]) - FIRST_NUMBER


@dataclass(frozen=True, slots=True)
class Quota:
    """A tariff allowance for the current period; both amounts are 0 when unlimited."""

    characteristic: Characteristic
    initial: Decimal
    remaining: Decimal
    unlimited: bool


@dataclass(frozen=True, slots=True)
class PackageGrant:
    number: int  # 1-based per subscriber: the bucket and product ids end in it
    package_id: str
    start: datetime
    end: datetime
    remaining_gb: Decimal


@dataclass(frozen=True, slots=True)
class ConnectedService:
    service_id: str
    since: datetime


@dataclass(frozen=True, slots=True)
class Subscriber:
    index: int
    msisdn: str
    name: str
    region: str
    tariff_id: str
    tariff_values: tuple[tuple[Characteristic, AllowanceValue], ...]  # configured values
    since: datetime
    services: tuple[ConnectedService, ...]
    packages: tuple[PackageGrant, ...]
    balance: Decimal
    quotas: tuple[Quota, ...]
    period_start: datetime
    period_end: datetime  # when the monthly fee is charged next

    @property
    def tariff(self) -> Tariff:
        return TARIFFS_BY_ID[self.tariff_id]

    @property
    def monthly_fee(self) -> Decimal:
        return self.tariff.fee(dict(self.tariff_values))

    @property
    def password(self) -> str:
        """The TMF720 password (the simulator's services store only a salted hash)."""
        return DEMO_PASSWORD if self.msisdn == DEMO_MSISDN else f"pass-{self.msisdn[-4:]}"


@dataclass(frozen=True, slots=True)
class Link:
    """A confirmed linked number: ``manager`` manages ``linked`` (a TMF672 permission)."""

    id: str
    manager: str
    linked: str
    alias: str
    created: datetime


@dataclass(frozen=True, slots=True)
class Membership:
    id: str
    msisdn: str
    since: datetime
    email: str


@dataclass(frozen=True, slots=True)
class Activation:
    """An activated partner offer (a TMF658 loyaltyProgramProduct) with its promo code."""

    id: str
    msisdn: str
    promotion_id: str
    promo_code: str
    activated: datetime


@dataclass(frozen=True)
class World:
    size: int
    seed: int
    today: date
    subscribers: tuple[Subscriber, ...]
    links: tuple[Link, ...]
    memberships: tuple[Membership, ...]
    activations: tuple[Activation, ...]

    def subscriber(self, msisdn: str) -> Subscriber | None:
        index = index_of(msisdn)
        if index is None or not 0 <= index < self.size:
            return None
        return self.subscribers[index]

    def msisdns(self) -> Iterator[str]:
        return (subscriber.msisdn for subscriber in self.subscribers)


def build_world(size: int = 10_000, seed: int = 42, today: date | None = None) -> World:
    """The world of ``size`` numbers for ``seed``; dates are relative to ``today`` (UTC)."""
    if size < MIN_SIZE:
        raise ValueError(f"a world needs at least {MIN_SIZE} numbers, not {size}")
    today = today or datetime.now(UTC).date()
    rng = random.Random(seed)
    subscribers = tuple(
        _demo_subscriber(today) if index == 1 else _random_subscriber(rng, index, today)
        for index in range(size)
    )
    links = _links(rng, subscribers, today)
    memberships, activations = _loyalty(rng, subscribers, today)
    return World(size, seed, today, subscribers, links, memberships, activations)


def _demo_subscriber(today: date) -> Subscriber:
    start = midnight(today)
    tariff = TARIFFS_BY_ID["T-CONSTRUCTOR"]
    period_end = midnight(today + timedelta(days=12))
    return Subscriber(
        index=1,
        msisdn=DEMO_MSISDN,
        name="Анна Смирнова",
        region="Москва",
        tariff_id=tariff.id,
        tariff_values=((Characteristic.MINUTES, 400), (Characteristic.GIGABYTES, 20)),
        since=start - timedelta(days=420),
        services=(
            ConnectedService("SRV-MUSIC", start - timedelta(days=200)),
            ConnectedService("SRV-GUDOK", start - timedelta(days=90)),
            ConnectedService("SRV-CALLER-ID", start - timedelta(days=420)),
        ),
        packages=(),
        balance=Decimal("412.50"),
        quotas=(
            Quota(Characteristic.MINUTES, Decimal(400), Decimal(250), unlimited=False),
            Quota(Characteristic.GIGABYTES, Decimal(20), Decimal("12.25"), unlimited=False),
            Quota(Characteristic.SMS, Decimal(0), Decimal(0), unlimited=True),
        ),
        period_start=_add_months(period_end, -1),
        period_end=period_end,
    )


def _random_subscriber(rng: random.Random, index: int, today: date) -> Subscriber:
    start = midnight(today)
    female = rng.random() < 0.5
    first_name = rng.choice(FEMALE_FIRST_NAMES if female else MALE_FIRST_NAMES)
    last_name = rng.choice(LAST_NAMES)[1 if female else 0]
    region = rng.choice(REGIONS)
    tariff_id = rng.choices(tuple(_TARIFF_WEIGHTS), weights=tuple(_TARIFF_WEIGHTS.values()))[0]
    tariff = TARIFFS_BY_ID[_FORCED_TARIFFS.get(index, tariff_id)]
    values = tuple(
        (allowance.characteristic, rng.choice(allowance.values))
        for allowance in tariff.allowances
        if allowance.configurable
    )
    chosen = dict(values)
    since = start - timedelta(days=rng.randint(30, 1800))
    days_on_tariff = (start - since).days
    services = tuple(
        ConnectedService(service.id, since + timedelta(days=rng.randint(0, days_on_tariff)))
        for service in SERVICES
        if service.available_on(tariff.id) and rng.random() < 0.2
    )
    quotas = tuple(
        _random_quota(
            rng, allowance.characteristic, chosen.get(allowance.characteristic, allowance.default)
        )
        for allowance in tariff.allowances
    )
    packages: tuple[PackageGrant, ...] = ()
    # A pay-as-you-go subscriber has no quotas at all, packages included.
    if tariff.allowances and rng.random() < 0.08:
        package = rng.choice(PACKAGES)
        package_start = start - timedelta(days=rng.randint(0, package.validity_days - 5))
        packages = (
            PackageGrant(
                1,
                package.id,
                package_start,
                package_start + timedelta(days=package.validity_days),
                Decimal(rng.randint(0, package.gigabytes * 100)).scaleb(-2),
            ),
        )
    balance = _random_balance(rng)
    # The period is placed by its start, not its end: a month back from an end up to 30 days
    # ahead can start after today (at month ends), which would leave a number's quotas empty.
    # Up to 27 days back keeps the end ahead of today in any month. The draw is the one the
    # world always made, so every other number of the world stays as it was.
    days_into_period = (30 - rng.randint(1, 30)) % 28
    period_start = midnight(today - timedelta(days=days_into_period))
    period_end = _add_months(period_start, 1)
    return Subscriber(
        index=index,
        msisdn=msisdn_of(index),
        name=f"{first_name} {last_name}",
        region=region,
        tariff_id=tariff.id,
        tariff_values=values,
        since=since,
        services=services,
        packages=packages,
        balance=_FORCED_BALANCES.get(index, balance),
        quotas=quotas,
        period_start=period_start,
        period_end=period_end,
    )


def _random_quota(
    rng: random.Random, characteristic: Characteristic, value: AllowanceValue
) -> Quota:
    if not isinstance(value, int):  # UNLIMITED
        return Quota(characteristic, Decimal(0), Decimal(0), unlimited=True)
    if characteristic is Characteristic.GIGABYTES:
        remaining = Decimal(rng.randint(0, value * 100)).scaleb(-2)
    else:
        remaining = Decimal(rng.randint(0, value))
    return Quota(characteristic, Decimal(value), remaining, unlimited=False)


def _random_balance(rng: random.Random) -> Decimal:
    """Mostly a few hundred roubles, with zero, negative and large balances among them."""
    draw = rng.random()
    if draw < 0.05:
        return Decimal("0.00")
    if draw < 0.15:
        return -Decimal(rng.randint(1, 50_000)).scaleb(-2)
    if draw < 0.85:
        return Decimal(rng.randint(1, 150_000)).scaleb(-2)
    return Decimal(rng.randint(150_000, 2_500_000)).scaleb(-2)


def _links(
    rng: random.Random, subscribers: tuple[Subscriber, ...], today: date
) -> tuple[Link, ...]:
    start = midnight(today)
    links = [
        Link("PRM-1", DEMO_MSISDN, DEMO_MOTHER_MSISDN, "Мама", start - timedelta(days=300)),
        Link("PRM-2", DEMO_MSISDN, DEMO_DAUGHTER_MSISDN, "Дочь", start - timedelta(days=120)),
    ]
    candidates = [0, *range(MIN_SIZE, len(subscribers))]
    if len(candidates) < 5:
        return tuple(links)
    for manager in candidates:
        if rng.random() >= 0.1:
            continue
        linked = {rng.choice(candidates) for _ in range(rng.randint(1, 3))} - {manager}
        for other in sorted(linked):
            created = start - timedelta(days=rng.randint(1, 700), minutes=rng.randint(0, 1439))
            links.append(
                Link(
                    f"PRM-{len(links) + 1}",
                    subscribers[manager].msisdn,
                    subscribers[other].msisdn,
                    rng.choice(LINK_ALIASES),
                    created,
                )
            )
    return tuple(links)


def _loyalty(
    rng: random.Random, subscribers: tuple[Subscriber, ...], today: date
) -> tuple[tuple[Membership, ...], tuple[Activation, ...]]:
    start = midnight(today)
    taxi = PROMOTIONS_BY_ID["PROMO-1"]
    memberships = [
        Membership("LPM-1", DEMO_MSISDN, start - timedelta(days=150), "anna.smirnova@example.ru")
    ]
    activations = [
        Activation("LPP-1", DEMO_MSISDN, taxi.id, "TAXI-7Q4F", start - timedelta(days=20))
    ]
    for subscriber in subscribers:
        if subscriber.msisdn in (DEMO_MSISDN, UNLINKED_MSISDN) or rng.random() >= 0.35:
            continue
        since = start - timedelta(days=rng.randint(1, 900))
        memberships.append(
            Membership(
                f"LPM-{len(memberships) + 1}",
                subscriber.msisdn,
                since,
                f"subscriber{subscriber.index}@example.ru",
            )
        )
        for promotion in rng.sample(PROMOTIONS, rng.randint(0, 3)):
            code = "".join(rng.choice(_PROMO_CODE_ALPHABET) for _ in range(4))
            activations.append(
                Activation(
                    f"LPP-{len(activations) + 1}",
                    subscriber.msisdn,
                    promotion.id,
                    f"{promotion.code_prefix}-{code}",
                    since + timedelta(days=rng.randint(0, (start - since).days)),
                )
            )
    return tuple(memberships), tuple(activations)


def _add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    month_index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
