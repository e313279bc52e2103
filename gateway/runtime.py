"""The composition root: builds every long-lived part from the settings, once per process,
and closes them again. The app's lifespan owns one Runtime.

Each part is built by the module named after it: the Redis client
(gateway/redis_clients.py), the backend clients and their breakers
(gateway/backend_clients.py), the stores in Redis or in process (gateway/stores.py), the
ports the resolvers see (gateway/ports.py), the rules (gateway/rules.py), the executable
schema (gateway/graphql_schema.py), the warm-up (gateway/warmup.py) and the hub
registration (gateway/hub_registration.py). This module only puts them in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import strawberry
from redis.asyncio import Redis

from adapters.breaker import CircuitBreaker
from adapters.cache.number_reads import EVERYTHING
from adapters.clock import Clock, SystemClock
from adapters.http import BackendClient
from adapters.persisted.port import PersistedQueries
from gateway.auth import TokenAuthority
from gateway.backend_clients import BackendClients
from gateway.documents import Documents
from gateway.graphql_schema import executable_schema
from gateway.hub_registration import hub_failures, register_hubs
from gateway.money import SagaRecovery
from gateway.ocs_hub import OcsHub, build_ocs_hub
from gateway.operations_file import read_operations_file
from gateway.ports import build_ports
from gateway.redis_clients import connect_redis
from gateway.rules import action_rules, build_tokens, jwt_secret, login_rules
from gateway.settings import Settings
from gateway.stores import Stores, open_stores
from gateway.telemetry import Telemetry, start_telemetry
from gateway.usage import UsageRecorder, usage_recorder
from gateway.warmup import warm
from resolvers.context import ActionRules, LoginRules
from resolvers.ports import Ports

__all__ = ["Runtime", "build_tokens", "start_runtime"]


@dataclass(slots=True)
class Runtime:
    settings: Settings
    clock: Clock
    session: aiohttp.ClientSession
    stores: Stores
    breakers: dict[str, CircuitBreaker]
    telemetry: Telemetry
    event_clients: dict[str, BackendClient]
    ports: Ports
    rules: LoginRules
    action_rules: ActionRules
    schema: strawberry.Schema
    tokens: TokenAuthority
    documents: Documents
    usage: UsageRecorder
    recovery: SagaRecovery | None = None
    # Backends whose hub registration failed, with why (shown on /readyz).
    hub_failures: dict[str, str] = field(default_factory=dict)
    # SigScale OCS's own hub (billing in that dialect, TGW_HUB_SECRET set); its `state`
    # (registered or why not) is shown on /readyz.
    ocs_hub: OcsHub | None = None

    @property
    def redis(self) -> Redis | None:
        return self.stores.redis

    @property
    def persisted(self) -> PersistedQueries:
        return self.stores.persisted

    @property
    def cache_kind(self) -> str:
        return self.stores.kind

    async def forget(self, msisdns: Sequence[str]) -> None:
        """Drop every cached read of the numbers (adapters/cache/number_reads.py): the
        next read of each goes to its backend."""
        await self.ports.reads.forget(msisdns, EVERYTHING)

    async def close(self) -> None:
        if self.recovery is not None:
            await self.recovery.stop()
        if self.ocs_hub is not None:
            await self.ocs_hub.stop()
        await self.usage.close()
        # Before the HTTP session and the cache they use.
        await self.ports.reads.close()
        await self.ports.events.close()
        self.telemetry.shutdown()
        await self.session.close()
        await self.stores.cache.close()
        self.ports.audit.close()
        await self.stores.audit.close()
        if self.tokens.agents is not None:
            await self.tokens.agents.keys.close()
        if self.redis is not None:
            await self.redis.aclose()


async def start_runtime(
    settings: Settings, clock: Clock | None = None, secret: str | None = None
) -> Runtime:
    clock = clock or SystemClock()
    telemetry = start_telemetry(settings.otlp_endpoint, settings.service_name)
    clients = BackendClients(settings, clock, telemetry)
    redis = connect_redis(settings)
    stores = await open_stores(
        settings,
        clock,
        redis,
        (
            clients.breaker("redis", open_seconds=settings.redis_breaker_open_seconds)
            if redis is not None
            else None
        ),
    )
    secret = secret or jwt_secret(settings)
    tokens = build_tokens(settings, clock, secret)
    schema, documents = executable_schema(settings, telemetry)
    runtime = Runtime(
        settings=settings,
        clock=clock,
        session=clients.session,
        stores=stores,
        breakers=clients.breakers,
        telemetry=telemetry,
        event_clients=clients.event_clients(),
        ports=build_ports(settings, clock, clients, stores, tokens),
        rules=login_rules(settings, secret),
        action_rules=action_rules(settings),
        schema=schema,
        tokens=tokens,
        documents=documents,
        usage=usage_recorder(settings, redis, clock, schema),
        ocs_hub=build_ocs_hub(settings, clients, clock),
    )
    if settings.operations_file:
        await stores.persisted.register(read_operations_file(Path(settings.operations_file)))
    await warm(runtime.ports)
    if runtime.ports.top_ups is not None:
        # Finishes every top-up a crash or a restart left open (resolvers/money/).
        runtime.recovery = SagaRecovery(runtime.ports.top_ups, settings.saga_recovery_interval)
        runtime.recovery.start()
    if settings.callback_url and settings.hub_secret is not None:
        found = await register_hubs(
            runtime.event_clients, settings.callback_url, settings.billing_dialect
        )
        runtime.hub_failures = hub_failures(found)
    if settings.callback_url and runtime.ocs_hub is not None:
        await runtime.ocs_hub.ensure(settings.callback_url)
        runtime.ocs_hub.keep(settings.callback_url)
    elif settings.callback_url and settings.billing_dialect == "sigscale-ocs":
        runtime.hub_failures["billing"] = (
            "not registered at SigScale OCS's hub: TGW_HUB_SECRET is not set"
        )
    runtime.usage.start()
    return runtime
