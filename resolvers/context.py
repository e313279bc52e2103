"""The per-request Context every resolver receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from graphql import GraphQLError

from adapters.clock import Clock
from domain.principals import Principal
from resolvers.loaders import Loaders
from resolvers.ports import Ports


@dataclass(frozen=True, slots=True)
class Limits:
    max_subscribers_per_query: int = 100


@dataclass(frozen=True, slots=True)
class ActionRules:
    """Limits of the actions (settings)."""

    top_up_min: Decimal = Decimal(10)
    top_up_max: Decimal = Decimal(15_000)
    share_min_gb: int = 1
    share_max_gb: int = 30
    statement_months_back: int = 6


@dataclass(frozen=True, slots=True)
class LoginRules:
    """The one-time code, password, session and linking rules (all settings)."""

    pepper: bytes
    code_length: int = 6
    code_ttl: float = 300
    code_max_tries: int = 5
    code_resend_after: float = 60
    codes_per_number_per_day: int = 10
    codes_per_number_per_client_per_day: int = 3
    codes_per_client_per_day: int = 50
    code_logins_per_client_per_hour: int = 100
    password_logins_per_number_per_hour: int = 100
    password_logins_per_number_per_client_per_hour: int = 10
    password_logins_per_client_per_hour: int = 50
    refresh_token_ttl: float = 30 * 86400
    max_linked_numbers: int = 5


@dataclass(slots=True)
class Context:
    ports: Ports
    loaders: Loaders
    clock: Clock
    request_id: str
    principal: Principal | None = None
    # Why a token that was sent was not accepted (expired, bad signature), for the error.
    auth_problem: str | None = None
    # Its extensions.code: UNAUTHENTICATED, or IDENTITY_PROVIDER_UNAVAILABLE when an agent's
    # token could not be checked because the provider's keys could not be fetched.
    auth_problem_code: str = "UNAUTHENTICATED"
    limits: Limits = field(default_factory=Limits)
    rules: LoginRules = field(default_factory=lambda: LoginRules(pepper=b"unset"))
    action_rules: ActionRules = field(default_factory=ActionRules)
    # The client's address (as the edge saw it), for per-client limits.
    client_address: str = "unknown"
    # The Idempotency-Key header, for mutations that are not given one as an argument.
    idempotency_key: str | None = None
    # Live connections (WebSocket): when the token expires, and how to end the connection.
    token_expires_at: float | None = None
    # What the client sent in graphql-transport-ws's connection_init (strawberry sets it).
    connection_params: dict[str, object] | None = None
    close_connection: Callable[[int, str], Awaitable[None]] | None = None
    # Live transports (WebSocket, SSE) run operations through strawberry's handlers, not
    # the edge's pipeline: the edge's checks (allow-list, shape and rate limits) come in
    # here. Given the query, operation name and variables: the refusal, or None.
    admit_stream: (
        Callable[[str | None, str | None, dict[str, Any] | None], Awaitable[GraphQLError | None]]
        | None
    ) = None
