"""The operator's product catalogue: five tariffs, the services and the traffic packages.

Static and shared by every service: provisioning serves it (TMF620) and the data set
draws subscribers' tariffs, services and packages from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal

UNLIMITED: Literal["unlimited"] = "unlimited"
AllowanceValue = int | Literal["unlimited"]


class Characteristic(StrEnum):
    """The allowance characteristics of a tariff, with their unit and bucket usage type."""

    MINUTES = "minutes"
    GIGABYTES = "gigabytes"
    SMS = "sms"

    @property
    def unit(self) -> str:
        return {"minutes": "min", "gigabytes": "GB", "sms": "SMS"}[self.value]

    @property
    def usage_type(self) -> str:
        return {"minutes": "voice", "gigabytes": "data", "sms": "sms"}[self.value]


@dataclass(frozen=True, slots=True)
class Allowance:
    """One allowance of a tariff. More than one value makes it configurable: the values
    are the choices, each with its own monthly price on top of the base fee."""

    characteristic: Characteristic
    values: tuple[AllowanceValue, ...]
    default: AllowanceValue
    prices: tuple[Decimal, ...] = ()  # per value, for a configurable allowance

    @property
    def configurable(self) -> bool:
        return len(self.values) > 1

    def price_of(self, value: AllowanceValue) -> Decimal:
        return self.prices[self.values.index(value)] if self.configurable else Decimal(0)


@dataclass(frozen=True, slots=True)
class UsagePrice:
    """A pay-as-you-go price: ``price`` RUB per ``unit`` of ``name``."""

    name: str
    unit: str
    price: Decimal


@dataclass(frozen=True, slots=True)
class Tariff:
    id: str
    name: str
    description: str
    monthly_fee: Decimal
    allowances: tuple[Allowance, ...] = ()
    usage_prices: tuple[UsagePrice, ...] = ()
    # One-time price of switching to this tariff (not of tuning it): provisioning charges
    # it through billing when a tariff change completes.
    change_fee: Decimal = Decimal(0)

    @property
    def has_finite_data(self) -> bool:
        """Whether a traffic package adds anything: a data allowance that can run out."""
        return any(
            a.characteristic is Characteristic.GIGABYTES and UNLIMITED not in a.values
            for a in self.allowances
        )

    @property
    def configurable(self) -> bool:
        return any(allowance.configurable for allowance in self.allowances)

    def fee(self, chosen: dict[Characteristic, AllowanceValue]) -> Decimal:
        """The monthly fee with the chosen values of the configurable allowances."""
        return self.monthly_fee + sum(
            (a.price_of(chosen.get(a.characteristic, a.default)) for a in self.allowances),
            Decimal(0),
        )


class ServiceCategory(StrEnum):
    SUBSCRIPTION = "subscription"
    ROAMING = "roaming"
    RINGBACK = "ringback"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    name: str
    description: str
    category: ServiceCategory
    monthly_fee: Decimal
    available_for: tuple[str, ...] = ()  # tariff ids; empty means every tariff

    def available_on(self, tariff_id: str) -> bool:
        return not self.available_for or tariff_id in self.available_for


@dataclass(frozen=True, slots=True)
class Package:
    id: str
    name: str
    description: str
    price: Decimal
    gigabytes: int
    validity_days: int


def _fixed(characteristic: Characteristic, value: AllowanceValue) -> Allowance:
    return Allowance(characteristic, (value,), value)


TARIFFS: tuple[Tariff, ...] = (
    Tariff(
        "T-ONLINE",
        "Мой онлайн",
        "Много интернета для соцсетей, видео и музыки.",
        Decimal(500),
        (
            _fixed(Characteristic.MINUTES, 500),
            _fixed(Characteristic.GIGABYTES, 40),
            _fixed(Characteristic.SMS, 50),
        ),
    ),
    Tariff(
        "T-TALK",
        "Мой разговор",
        "Для тех, кто много звонит.",
        Decimal(450),
        (
            _fixed(Characteristic.MINUTES, 1500),
            _fixed(Characteristic.GIGABYTES, 15),
            _fixed(Characteristic.SMS, 100),
        ),
        change_fee=Decimal(100),
    ),
    Tariff(
        "T-UNLIM",
        "Безлимит",
        "Безлимитный интернет и много минут.",
        Decimal(750),
        (
            _fixed(Characteristic.MINUTES, 1000),
            _fixed(Characteristic.GIGABYTES, UNLIMITED),
            _fixed(Characteristic.SMS, UNLIMITED),
        ),
        change_fee=Decimal(250),
    ),
    Tariff(
        "T-CLASSIC",
        "Классический",
        "Без абонентской платы: платите только за то, чем пользуетесь.",
        Decimal(0),
        (),
        (
            UsagePrice("Минута разговора", "min", Decimal("2.50")),
            UsagePrice("SMS", "SMS", Decimal("2.00")),
            UsagePrice("Мобильный интернет", "MB", Decimal("0.50")),
        ),
    ),
    Tariff(
        "T-CONSTRUCTOR",
        "Конструктор",
        "Соберите свой тариф: выберите минуты и гигабайты.",
        Decimal(150),
        (
            Allowance(
                Characteristic.MINUTES,
                (100, 200, 400, 800, 1500),
                100,
                tuple(Decimal(p) for p in (60, 120, 200, 330, 500)),
            ),
            Allowance(
                Characteristic.GIGABYTES,
                (5, 10, 20, 40, 80),
                5,
                tuple(Decimal(p) for p in (100, 160, 250, 380, 550)),
            ),
            _fixed(Characteristic.SMS, UNLIMITED),
        ),
        change_fee=Decimal(50),
    ),
)

SERVICES: tuple[Service, ...] = (
    Service(
        "SRV-MUSIC",
        "Безлимитная музыка",
        "Музыкальные сервисы не расходуют интернет.",
        ServiceCategory.SUBSCRIPTION,
        Decimal(99),
        ("T-ONLINE", "T-TALK", "T-CONSTRUCTOR"),
    ),
    Service(
        "SRV-VIDEO",
        "Безлимитное видео",
        "Видеосервисы не расходуют интернет.",
        ServiceCategory.SUBSCRIPTION,
        Decimal(149),
        ("T-ONLINE", "T-CONSTRUCTOR"),
    ),
    Service(
        "SRV-SOCIAL",
        "Безлимитные соцсети",
        "Соцсети и мессенджеры не расходуют интернет.",
        ServiceCategory.SUBSCRIPTION,
        Decimal(59),
    ),
    Service(
        "SRV-ROAM-EUROPE",
        "Выгодный роуминг: Европа",
        "Минуты и интернет в Европе по цене домашних.",
        ServiceCategory.ROAMING,
        Decimal(290),
    ),
    Service(
        "SRV-ROAM-WORLD",
        "Выгодный роуминг: весь мир",
        "Пакет минут и интернета в поездках по миру.",
        ServiceCategory.ROAMING,
        Decimal(490),
        ("T-ONLINE", "T-TALK", "T-UNLIM", "T-CONSTRUCTOR"),
    ),
    Service(
        "SRV-GUDOK",
        "Гудок",
        "Мелодия вместо гудков для тех, кто вам звонит.",
        ServiceCategory.RINGBACK,
        Decimal(49),
    ),
    Service(
        "SRV-CALLER-ID",
        "Определитель номера",
        "Показывает номер звонящего.",
        ServiceCategory.OTHER,
        Decimal(0),
    ),
    Service(
        "SRV-WHO-CALLED",
        "Кто звонил",
        "SMS о пропущенных звонках, пока телефон был выключен.",
        ServiceCategory.OTHER,
        Decimal(30),
    ),
)

PACKAGES: tuple[Package, ...] = (
    Package("PKG-1GB", "+1 ГБ", "Дополнительный гигабайт на 30 дней.", Decimal(60), 1, 30),
    Package("PKG-5GB", "+5 ГБ", "Пять гигабайт на 30 дней.", Decimal(200), 5, 30),
    Package("PKG-10GB", "+10 ГБ", "Десять гигабайт на 30 дней.", Decimal(350), 10, 30),
)

TARIFFS_BY_ID = {tariff.id: tariff for tariff in TARIFFS}
SERVICES_BY_ID = {service.id: service for service in SERVICES}
PACKAGES_BY_ID = {package.id: package for package in PACKAGES}
