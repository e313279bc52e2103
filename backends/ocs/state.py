"""The OCS's mutable state: per number, one service, one product and its buckets.

Built from the same world as ``backends.billing`` and converted into OCS units: the
money balance is one ``cents`` bucket; each finite quota and each traffic package is a
bucket of ``octets`` (GB x 10^9), ``seconds`` (min x 60) or ``messages``, valid for its
period. OCS has no unlimited bucket (an unlimited allowance is a zero price in rating),
so unlimited quotas have none. Subscriptions are copied out of the world on first use
and top-ups add buckets to them.

Ids look like the captured system's (``1795600000001-2``): the part before the dash is a
base plus the number's index, so a product or bucket id leads back to its number.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from backends.catalog import Characteristic
from backends.dataset import Subscriber, World, msisdn_of
from backends.ocs.units import CENTS, MESSAGES, OCTETS, OCTETS_PER_GB, SECONDS, SECONDS_PER_MINUTE

_ID_BASE = 1_795_600_000_000
_PRODUCT_SEQUENCE = 1
_UNITS = {
    Characteristic.GIGABYTES: (OCTETS, OCTETS_PER_GB),
    Characteristic.MINUTES: (SECONDS, SECONDS_PER_MINUTE),
    Characteristic.SMS: (MESSAGES, 1),
}


@dataclass
class Bucket:
    id: str
    units: str
    amount: Decimal  # in the base unit: currency units, octets, seconds or messages
    start: datetime | None = None
    end: datetime | None = None
    # Kept as given (the captured system keeps a top-up's name; nothing finds by it).
    name: str | None = None


@dataclass
class Subscription:
    """An OCS service (the number) and the product that holds its buckets."""

    msisdn: str
    product_id: str
    offering: str
    started: datetime
    buckets: list[Bucket]
    next_sequence: int  # of the next bucket id

    @property
    def service_id(self) -> str:
        return self.msisdn.removeprefix("+")

    def new_bucket_id(self) -> str:
        head = self.product_id.partition("-")[0]
        bucket_id = f"{head}-{self.next_sequence}"
        self.next_sequence += 1
        return bucket_id


class OcsState:
    def __init__(self, world: World) -> None:
        self.world = world
        self._subscriptions: dict[str, Subscription] = {}

    def by_service(self, service_id: str) -> Subscription | None:
        """The subscription of service ``79000000001`` (the digits; a leading + is read too)."""
        digits = service_id.removeprefix("+")
        if not digits.isdigit():
            return None
        return self._subscription(f"+{digits}")

    def by_product(self, product_id: str) -> Subscription | None:
        subscription = self._by_id(product_id)
        if subscription is None or subscription.product_id != product_id:
            return None
        return subscription

    def bucket(self, bucket_id: str) -> tuple[Subscription, Bucket] | None:
        subscription = self._by_id(bucket_id)
        if subscription is not None:
            for bucket in subscription.buckets:
                if bucket.id == bucket_id:
                    return subscription, bucket
        return None

    def subscriptions(self) -> Iterator[Subscription]:
        for msisdn in self.world.msisdns():
            subscription = self._subscription(msisdn)
            if subscription is not None:
                yield subscription

    def top_up(
        self,
        subscription: Subscription,
        units: str,
        amount: Decimal,
        start: datetime | None,
        end: datetime | None,
        name: str | None = None,
    ) -> Bucket:
        """A new bucket, every time: the same body twice makes two (OCS is not idempotent)."""
        bucket = Bucket(subscription.new_bucket_id(), units, amount, start, end, name)
        subscription.buckets.append(bucket)
        return bucket

    def delete(self, subscription: Subscription, bucket: Bucket) -> None:
        subscription.buckets.remove(bucket)

    def _by_id(self, entity_id: str) -> Subscription | None:
        head, _, sequence = entity_id.partition("-")
        if not head.isdigit() or not sequence.isdigit():
            return None
        index = int(head) - _ID_BASE
        if not 0 <= index < self.world.size:
            return None
        return self._subscription(msisdn_of(index))

    def _subscription(self, msisdn: str) -> Subscription | None:
        subscription = self._subscriptions.get(msisdn)
        if subscription is None:
            subscriber = self.world.subscriber(msisdn)
            if subscriber is None:
                return None
            subscription = self._subscriptions[msisdn] = _subscription_of(subscriber)
        return subscription


def _subscription_of(subscriber: Subscriber) -> Subscription:
    head = _ID_BASE + subscriber.index
    sequence = itertools.count(_PRODUCT_SEQUENCE + 1)
    # The money bucket has no validFor, like the one the captured system made with the
    # product.
    buckets = [Bucket(f"{head}-{next(sequence)}", CENTS, subscriber.balance)]
    for quota in subscriber.quotas:
        if quota.unlimited:
            continue
        units, factor = _UNITS[quota.characteristic]
        buckets.append(
            Bucket(
                f"{head}-{next(sequence)}",
                units,
                quota.remaining * factor,
                subscriber.period_start,
                subscriber.period_end,
            )
        )
    for grant in subscriber.packages:
        buckets.append(
            Bucket(
                f"{head}-{next(sequence)}",
                OCTETS,
                grant.remaining_gb * OCTETS_PER_GB,
                grant.start,
                grant.end,
            )
        )
    return Subscription(
        msisdn=subscriber.msisdn,
        product_id=f"{head}-{_PRODUCT_SEQUENCE}",
        offering=subscriber.tariff_id,
        started=subscriber.since,
        buckets=buckets,
        next_sequence=next(sequence),
    )
