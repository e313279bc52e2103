"""Loyalty's mutable state: the members and their activations (offers activated, each
holding a promo code), indexed by number. Built up front: a third of the numbers are
members, a few thousand records for the default world; joining and activating add to it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from backends.dataset import World
from backends.kit.timestamps import midnight
from backends.promotions import PROMOTIONS, Promotion


@dataclass
class MemberRecord:
    id: str
    msisdn: str
    name: str
    email: str
    since: datetime
    status: str = "active"


@dataclass
class ActivationRecord:
    id: str
    msisdn: str
    promotion_id: str
    promo_code: str
    activated: datetime
    status: str = "active"


class LoyaltyState:
    def __init__(self, world: World) -> None:
        self.world = world
        self.promotions: tuple[Promotion, ...] = PROMOTIONS
        # The offers run for the calendar year of the world's today.
        self.promotions_valid = (
            midnight(date(world.today.year, 1, 1)),
            midnight(date(world.today.year + 1, 1, 1)),
        )
        self._members: dict[str, MemberRecord] = {}
        self._member_by_msisdn: dict[str, MemberRecord] = {}
        self._activations: dict[str, ActivationRecord] = {}
        self._activations_by_msisdn: dict[str, list[ActivationRecord]] = {}
        for membership in world.memberships:
            subscriber = world.subscriber(membership.msisdn)
            name = subscriber.name if subscriber is not None else ""
            member = MemberRecord(
                membership.id, membership.msisdn, name, membership.email, membership.since
            )
            self._members[member.id] = member
            self._member_by_msisdn[member.msisdn] = member
        for activation in world.activations:
            record = ActivationRecord(
                activation.id,
                activation.msisdn,
                activation.promotion_id,
                activation.promo_code,
                activation.activated,
            )
            self._store_activation(record)
        self._next_member = len(world.memberships) + 1
        self._next_activation = len(world.activations) + 1
        self.promo_codes = {activation.promo_code for activation in world.activations}

    def promotion(self, promotion_id: str) -> Promotion | None:
        return next((p for p in self.promotions if p.id == promotion_id), None)

    def member(self, member_id: str) -> MemberRecord | None:
        return self._members.get(member_id)

    def members(self, msisdns: Iterable[str] | None) -> Iterator[MemberRecord]:
        if msisdns is None:
            yield from self._members.values()
            return
        for msisdn in msisdns:
            member = self._member_by_msisdn.get(msisdn)
            if member is not None:
                yield member

    def activation(self, activation_id: str) -> ActivationRecord | None:
        return self._activations.get(activation_id)

    def activations(self, msisdns: Iterable[str] | None) -> Iterator[ActivationRecord]:
        if msisdns is None:
            yield from self._activations.values()
            return
        for msisdn in msisdns:
            yield from self._activations_by_msisdn.get(msisdn, ())

    def member_of(self, msisdn: str) -> MemberRecord | None:
        return self._member_by_msisdn.get(msisdn)

    def add_member(self, msisdn: str, name: str, email: str, since: datetime) -> MemberRecord:
        member = MemberRecord(f"LPM-{self._next_member}", msisdn, name, email, since)
        self._next_member += 1
        self._members[member.id] = member
        self._member_by_msisdn[msisdn] = member
        return member

    def add_activation(
        self, msisdn: str, promotion_id: str, promo_code: str, activated: datetime
    ) -> ActivationRecord:
        record = ActivationRecord(
            f"LPP-{self._next_activation}", msisdn, promotion_id, promo_code, activated
        )
        self._next_activation += 1
        self.promo_codes.add(promo_code)
        self._store_activation(record)
        return record

    def _store_activation(self, record: ActivationRecord) -> None:
        self._activations[record.id] = record
        self._activations_by_msisdn.setdefault(record.msisdn, []).append(record)
