"""The data set's numbers, passwords and pre-minted tokens, as the load generators use them.

The simulators build their world from (size, seed) (backends/dataset.py): number ``i`` is
``+7`` then ``9000000000 + i``, and its password ``pass-<last 4 digits>``, but the demo
number's is ``demo-password``. Tokens are minted here with the gateway's own code and the
secret the gateway is started with, so no login is spent to get them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from adapters.clock import SystemClock
from domain.principals import AgentPrincipal, SubscriberPrincipal
from gateway.runtime import build_tokens
from gateway.settings import Settings

DEMO_NUMBER = "+79000000001"
# Index 0 exists but is no one in particular; 1..8 are the well-known numbers (docs).
FIRST_INDEX = 1


def msisdn(index: int) -> str:
    return f"+7{9000000000 + index}"


def password(number: str) -> str:
    return "demo-password" if number == DEMO_NUMBER else f"pass-{number[-4:]}"


@dataclass(frozen=True)
class Subscriber:
    msisdn: str
    token: str


class Minter:
    """Access tokens signed with the gateway's secret (HS256), valid for ``ttl`` seconds."""

    def __init__(self, secret: str, ttl: int) -> None:
        settings = Settings(_env_file=None, jwt_secret=secret)
        self._tokens = build_tokens(settings, SystemClock(), secret)
        self._ttl = ttl

    def subscriber(self, number: str) -> str:
        return self._tokens.mint(SubscriberPrincipal(number), self._ttl)

    def agent(self, name: str) -> str:
        return self._tokens.mint(AgentPrincipal(name), self._ttl)


def numbers(size: int, count: int, rng: random.Random) -> list[str]:
    """``count`` distinct numbers of the data set, in a random order (all when count
    >= size)."""
    indices = list(range(FIRST_INDEX, size))
    rng.shuffle(indices)
    return [msisdn(i) for i in indices[:count]]


def subscribers(minter: Minter, chosen: list[str]) -> list[Subscriber]:
    return [Subscriber(number, minter.subscriber(number)) for number in chosen]
