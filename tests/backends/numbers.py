"""Handing out subscribers to tests that change them, so no two tests share a number.

The write tests run against one session world; each takes fresh numbers that match
what it needs (a tariff, enough money) from the world's initial state. The documented
numbers 0 to 12 and the others the read tests name are never handed out.
"""

from __future__ import annotations

from collections.abc import Callable

from backends.dataset import Subscriber, World

# Numbers the read tests of this directory look at, and the well-known ones.
_RESERVED = {*range(13), 20, 30, 42, 100, 150, 151, 160, 161}


def always(subscriber: Subscriber) -> bool:
    return True


class NumberPool:
    def __init__(self, world: World) -> None:
        self._world = world
        self._taken: set[int] = set(_RESERVED)

    def take(self, where: Callable[[Subscriber], bool] = always) -> Subscriber:
        for subscriber in self._world.subscribers:
            if subscriber.index not in self._taken and where(subscriber):
                self._taken.add(subscriber.index)
                return subscriber
        raise LookupError("no untouched subscriber of the test world matches")

    def msisdn(self, where: Callable[[Subscriber], bool] = always) -> str:
        return self.take(where).msisdn

    def non_member(self) -> str:
        """A number that is not in the loyalty programme."""
        members = {membership.msisdn for membership in self._world.memberships}
        return self.msisdn(lambda subscriber: subscriber.msisdn not in members)
