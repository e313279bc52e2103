"""The bank cards subscribers have saved (TMF670 payment methods): part of the data set.

Derived per number from (world seed, number), like the charges, so a 10,000-number world
costs nothing until someone asks and every simulator agrees. About half of the numbers
have no saved card, the others one or two; the demo number has exactly one
(``PM-79000000001-1``, Visa ending 4242) and ``+79000000008`` has none.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from backends.dataset import DEMO_MSISDN, UNLINKED_MSISDN, Subscriber, World

_BRANDS = ("Visa", "Mastercard", "Мир")
_BANKS = ("Сбербанк", "Т-Банк", "Альфа-Банк", "ВТБ", "Газпромбанк")


@dataclass(frozen=True, slots=True)
class SavedCard:
    id: str  # PM-<number digits>-<n>
    msisdn: str
    brand: str
    card_type: str  # debit or credit
    last_four: str
    bank: str
    expires: datetime  # the last second of the expiry month
    preferred: bool

    @property
    def name(self) -> str:
        return f"{self.brand} •••• {self.last_four}"


def saved_cards(world: World, subscriber: Subscriber) -> tuple[SavedCard, ...]:
    """The number's saved cards, the preferred one first."""
    digits = subscriber.msisdn[1:]
    if subscriber.msisdn == DEMO_MSISDN:
        return (
            SavedCard(
                f"PM-{digits}-1",
                subscriber.msisdn,
                "Visa",
                "debit",
                "4242",
                "Сбербанк",
                _expiry(world.today.year + 3, 12),
                preferred=True,
            ),
        )
    if subscriber.msisdn == UNLINKED_MSISDN:
        return ()
    key = f"{world.seed}:cards:{subscriber.msisdn}".encode()
    rng = random.Random(int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big"))
    draw = rng.random()
    count = 0 if draw < 0.5 else 1 if draw < 0.85 else 2
    return tuple(
        SavedCard(
            f"PM-{digits}-{n}",
            subscriber.msisdn,
            rng.choice(_BRANDS),
            rng.choice(("debit", "debit", "credit")),
            f"{rng.randrange(10_000):04d}",
            rng.choice(_BANKS),
            _expiry(world.today.year + rng.randint(1, 5), rng.randint(1, 12)),
            preferred=n == 1,
        )
        for n in range(1, count + 1)
    )


def _expiry(year: int, month: int) -> datetime:
    """A card works to the end of its expiry month: the last second of it."""
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime(year, month, 1, tzinfo=UTC) - timedelta(seconds=1)
