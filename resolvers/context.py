"""The per-request Context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.clock import Clock
from resolvers.loaders import Loaders
from resolvers.ports import Ports
from resolvers.principals import Principal


@dataclass(frozen=True, slots=True)
class Limits:
    max_subscribers_per_query: int = 100


@dataclass(slots=True)
class Context:
    ports: Ports
    loaders: Loaders
    clock: Clock
    request_id: str
    principal: Principal | None = None
    # Why a token that was sent was not accepted (expired, bad signature), for the error.
    auth_problem: str | None = None
    limits: Limits = field(default_factory=Limits)
