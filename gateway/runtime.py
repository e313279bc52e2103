"""The composition root: builds every long-lived part from the settings, once per process,
and closes them again. The app's lifespan owns one Runtime."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import aiohttp
import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from strawberry.extensions import AddValidationRules, ParserCache, ValidationCache
from strawberry.extensions.tracing import OpenTelemetryExtension

from adapters import metrics
from adapters.audit import FileAuditLog, LoggerAuditLog
from adapters.billing.cached import CachedBilling
from adapters.billing.http import HttpBilling
from adapters.billing.ocs.actions import OcsActions
from adapters.billing.ocs.billing import build_ocs_billing
from adapters.billing.port import BillingActionsPort, BillingPort
from adapters.breaker import BreakerState, CircuitBreaker
from adapters.cache.answers import AnswerCache
from adapters.cache.coalescing import CoalescingCache
from adapters.cache.memory import MemoryCache
from adapters.cache.port import Cache
from adapters.cache.reads import ReadCaches
from adapters.cache.redis import RedisCache
from adapters.calls import CallGuard, RetryPolicy
from adapters.clock import Clock, SystemClock
from adapters.errors import BackendError
from adapters.events.bus import EventBus, MemoryBus
from adapters.events.hubs import register_hub
from adapters.events.redis_bus import RedisBus
from adapters.http import BackendClient
from adapters.idempotency.memory_store import MemoryIdempotencyStore
from adapters.idempotency.redis_store import RedisIdempotencyStore
from adapters.loyalty.cached import CachedLoyalty
from adapters.loyalty.http import HttpLoyalty
from adapters.payments.http import HttpPayments
from adapters.persisted.memory_store import MemoryPersistedQueries
from adapters.persisted.port import PersistedQueries
from adapters.persisted.redis_store import RedisPersistedQueries
from adapters.provisioning.cached import CachedProvisioning
from adapters.provisioning.http import HttpProvisioning
from adapters.security.memory_store import MemorySecurityStore
from adapters.security.redis_store import RedisSecurityStore
from adapters.sms.http import HttpSms
from adapters.support.http import HttpSupport
from gateway.auth import TokenAuthority
from gateway.money import SagaRecovery, build_top_ups
from gateway.operations_file import read_operations_file
from gateway.settings import Settings
from gateway.telemetry import Telemetry, start_telemetry
from resolvers.context import ActionRules, LoginRules
from resolvers.ports import Ports
from schema.build import Extension, build_schema

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Runtime:
    settings: Settings
    clock: Clock
    session: aiohttp.ClientSession
    redis: Redis | None
    cache: Cache
    billing: CachedBilling
    provisioning: CachedProvisioning
    loyalty: CachedLoyalty
    breakers: dict[str, CircuitBreaker]
    persisted: PersistedQueries
    telemetry: Telemetry
    event_clients: dict[str, BackendClient]
    ports: Ports
    rules: LoginRules
    action_rules: ActionRules
    schema: strawberry.Schema
    tokens: TokenAuthority
    recovery: SagaRecovery | None = None
    # Backends whose hub registration failed, with why (shown on /readyz).
    hub_failures: dict[str, str] = field(default_factory=dict)

    async def forget(self, msisdns: Sequence[str]) -> None:
        """Drop every cached read of the numbers (balances, charges, products, customer,
        links, activated offers, whole answers): the next read of each goes to its backend."""
        await self.billing.invalidate(msisdns)
        await self.provisioning.invalidate(msisdns)
        await self.loyalty.invalidate_activations(msisdns)

    @property
    def cache_kind(self) -> str:
        return "redis" if self.redis is not None else "in-process"

    async def close(self) -> None:
        if self.recovery is not None:
            await self.recovery.stop()
        await self.ports.events.close()
        self.telemetry.shutdown()
        await self.session.close()
        await self.cache.close()
        self.ports.audit.close()
        if self.redis is not None:
            await self.redis.aclose()


def jwt_secret(settings: Settings) -> str:
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    # Without a configured key tokens die with the process; fine for the demo and tests,
    # and `serve` refuses to start this way.
    return secrets.token_urlsafe(48)


def login_rules(settings: Settings, secret: str) -> LoginRules:
    pepper = (
        settings.code_pepper.get_secret_value().encode()
        if settings.code_pepper
        else hmac.new(secret.encode(), b"one-time-code-pepper", hashlib.sha256).digest()
    )
    return LoginRules(
        pepper=pepper,
        code_length=settings.code_length,
        code_ttl=settings.code_ttl,
        code_max_tries=settings.code_max_tries,
        code_resend_after=settings.code_resend_after,
        codes_per_number_per_day=settings.codes_per_number_per_day,
        codes_per_client_per_day=settings.codes_per_client_per_day,
        code_logins_per_client_per_hour=settings.code_logins_per_client_per_hour,
        password_logins_per_number_per_hour=settings.password_logins_per_number_per_hour,
        password_logins_per_client_per_hour=settings.password_logins_per_client_per_hour,
        refresh_token_ttl=settings.refresh_token_ttl,
        max_linked_numbers=settings.max_linked_numbers,
    )


def build_tokens(settings: Settings, clock: Clock, secret: str) -> TokenAuthority:
    return TokenAuthority(
        secret, settings.jwt_issuer, settings.jwt_audience, settings.access_token_ttl, clock
    )


class _Clients:
    """The backend clients of one runtime: one shared session, a breaker per backend
    (kept for /readyz), the retry policy and the tracing."""

    def __init__(self, settings: Settings, clock: Clock, telemetry: Telemetry) -> None:
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit_per_host=settings.backend_connections, limit=0),
            # Backend answers are parsed by the adapters; aiohttp must not raise on status.
            raise_for_status=False,
        )
        self.breakers: dict[str, CircuitBreaker] = {}
        self._settings = settings
        self._clock = clock
        self._retry = RetryPolicy(attempts=settings.retry_attempts)
        self._tracing = telemetry.tracing

    def breaker(self, name: str) -> CircuitBreaker:
        settings = self._settings
        self.breakers[name] = CircuitBreaker(
            name,
            self._clock,
            failure_threshold=settings.breaker_failures,
            open_seconds=settings.breaker_open_seconds,
            on_change=_breaker_moved,
        )
        metrics.BREAKER_STATE.labels(name).set(0)
        return self.breakers[name]

    def guard(self, name: str) -> CallGuard:
        return CallGuard(name, breaker=self.breaker(name), retry=self._retry, tracing=self._tracing)

    def client(self, name: str, url: str, timeout: float) -> BackendClient:
        return BackendClient(
            name,
            self.session,
            url,
            timeout,
            breaker=self.breaker(name),
            retry=self._retry,
            tracing=self._tracing,
        )

    def event_clients(self) -> dict[str, BackendClient]:
        """Hub registration is a write: its own clients, no retries, no breaker sharing."""
        settings = self._settings
        return {
            name: BackendClient(name, self.session, url, timeout)
            for name, url, timeout in (
                ("billing", settings.billing_url, settings.billing_timeout),
                ("provisioning", settings.provisioning_url, settings.provisioning_timeout),
                ("loyalty", settings.loyalty_url, settings.loyalty_timeout),
                ("support", settings.support_url, settings.support_timeout),
            )
        }


async def start_runtime(
    settings: Settings, clock: Clock | None = None, secret: str | None = None
) -> Runtime:
    clock = clock or SystemClock()
    telemetry = start_telemetry(settings.otlp_endpoint, settings.service_name)
    clients = _Clients(settings, clock, telemetry)
    redis = connect_redis(settings)
    cache: Cache = (
        CoalescingCache(RedisCache(redis, clients.breaker("redis")))
        if redis is not None
        else MemoryCache(clock, settings.memory_cache_entries)
    )
    namespace = settings.cache_namespace
    answers = AnswerCache(cache, namespace, settings.answer_ttl) if settings.answer_ttl else None
    reads = ReadCaches(
        cache, namespace, settings.read_ttl, on_change=answers.forget if answers else None
    )
    billing_reads, billing_actions = _billing(settings, clients, clock)
    billing = CachedBilling(
        billing_reads,
        billing_actions,
        cache,
        clock,
        namespace=namespace,
        fresh_ttl=settings.balance_ttl,
        keep_ttl=settings.balance_keep,
        reads=reads,
    )
    provisioning = CachedProvisioning(
        HttpProvisioning(
            clients.client("provisioning", settings.provisioning_url, settings.provisioning_timeout)
        ),
        clock,
        settings.catalog_ttl,
        reads,
    )
    loyalty = CachedLoyalty(
        HttpLoyalty(
            clients.client("loyalty", settings.loyalty_url, settings.loyalty_timeout),
            clock,
            settings.offers_ttl,
        ),
        reads,
    )
    secret = secret or jwt_secret(settings)
    tokens = build_tokens(settings, clock, secret)
    payments = HttpPayments(
        clients.client(
            "payments", settings.payments_url or settings.billing_url, settings.billing_timeout
        )
    )
    top_ups = build_top_ups(
        settings, payments, billing_reads, redis, clock, lambda msisdn: billing.invalidate([msisdn])
    )
    ports = Ports(
        billing=billing,
        payments=payments,
        top_ups=top_ups,
        provisioning=provisioning,
        loyalty=loyalty,
        sms=HttpSms(
            clients.client("sms", settings.sms_url, settings.sms_timeout), settings.sms_sender
        ),
        security=(
            RedisSecurityStore(redis, clock, namespace)
            if redis is not None
            else MemorySecurityStore(clock)
        ),
        tokens=tokens,
        audit=FileAuditLog(Path(settings.audit_log)) if settings.audit_log else LoggerAuditLog(),
        support=HttpSupport(
            clients.client("support", settings.support_url, settings.support_timeout)
        ),
        events=await _event_bus(settings, redis),
        answers=answers,
        idempotency=(
            RedisIdempotencyStore(redis, namespace)
            if redis is not None
            else MemoryIdempotencyStore(clock)
        ),
    )
    runtime = Runtime(
        settings=settings,
        clock=clock,
        session=clients.session,
        redis=redis,
        cache=cache,
        billing=billing,
        provisioning=provisioning,
        loyalty=loyalty,
        breakers=clients.breakers,
        telemetry=telemetry,
        event_clients=clients.event_clients(),
        persisted=(
            RedisPersistedQueries(redis, namespace, settings.apq_ttl)
            if redis is not None
            else MemoryPersistedQueries()
        ),
        ports=ports,
        rules=login_rules(settings, secret),
        action_rules=ActionRules(
            top_up_min=settings.top_up_min,
            top_up_max=settings.top_up_max,
            share_max_gb=settings.share_max_gb,
            statement_months_back=settings.statement_months_back,
        ),
        schema=_schema(settings, telemetry),
        tokens=tokens,
        recovery=SagaRecovery(top_ups, settings.saga_recovery_interval),
    )
    if settings.operations_file:
        await runtime.persisted.register(read_operations_file(Path(settings.operations_file)))
    await _warm(runtime)
    if runtime.recovery is not None:
        runtime.recovery.start()
    if settings.callback_url and settings.hub_secret is not None:
        for name, client_ in runtime.event_clients.items():
            if name == "billing" and settings.billing_dialect == "sigscale-ocs":
                # OCS's hub is another API (Basic auth, unsigned notifications): the v4
                # registration would only earn a 500. Not registered: said, not hidden.
                runtime.hub_failures[name] = "not registered: SigScale OCS's hub is not wired"
                log.error("not registered at the billing hub (SigScale OCS)")
                continue
            if await register_hub(client_, settings.callback_url) is None:
                runtime.hub_failures[name] = "registration failed (see the log)"
                log.error("hub registration at %s failed: its events will be missed", name)
            else:
                log.info("registered at the %s hub", name)
    return runtime


async def _event_bus(settings: Settings, redis: Redis | None) -> EventBus:
    if redis is None:
        # Without Redis (the demo) events stay in this process.
        return MemoryBus(settings.subscription_queue)
    bus = RedisBus(
        node_clients(settings) if settings.redis_cluster_nodes else redis,
        settings.cache_namespace,
        settings.subscription_queue,
    )
    await bus.start()
    return bus


def _schema(settings: Settings, telemetry: Telemetry) -> strawberry.Schema:
    size = settings.parser_cache_size
    extensions: list[Extension] = [
        # Factories: the LRU caches themselves are module-level and shared per size.
        lambda: ParserCache(maxsize=size),
        lambda: ValidationCache(maxsize=size),
    ]
    if not settings.introspection:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    provider = telemetry.provider
    if provider is not None:
        # Resolver spans, recording no arguments: they may be codes or passwords.
        extensions.append(
            lambda: OpenTelemetryExtension(tracer_provider=provider, arg_filter=_no_arguments)
        )
    return build_schema(extensions)


_BREAKER_LEVEL = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}


def _breaker_moved(name: str, state: BreakerState) -> None:
    metrics.BREAKER_STATE.labels(name).set(_BREAKER_LEVEL[state])
    log.warning("circuit breaker of %s is now %s", name, state.value)


def _cluster_nodes(settings: Settings) -> list[tuple[str, int]]:
    return [
        (host, int(port)) for host, port in (n.rsplit(":", 1) for n in settings.redis_cluster_nodes)
    ]


def node_clients(settings: Settings) -> list[Redis]:
    """One plain client per configured cluster node, for pub/sub (cluster-wide on any node)."""
    timeout = settings.redis_timeout
    return [
        Redis(host=host, port=port, socket_timeout=timeout, socket_connect_timeout=timeout)
        for host, port in _cluster_nodes(settings)
    ]


def connect_redis(settings: Settings) -> Redis | None:
    """A Redis client (a cluster client when cluster nodes are given), or None."""
    timeout = settings.redis_timeout
    if settings.redis_cluster_nodes:
        nodes = [ClusterNode(host, port) for host, port in _cluster_nodes(settings)]
        # RedisCluster speaks the same commands; the cache, the security store and the
        # persisted queries keep every multi-key step within one slot (or use MGET's
        # non-atomic cluster form).
        cluster = RedisCluster(
            startup_nodes=nodes, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        return cast("Redis", cluster)
    if settings.redis_url:
        # A blocking pool: past its size a command waits (up to the Redis timeout) for a
        # connection instead of failing at once with "Too many connections" under load.
        pool = BlockingConnectionPool.from_url(
            settings.redis_url,
            max_connections=settings.redis_connections,
            timeout=timeout,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            health_check_interval=10,
        )
        return Redis(connection_pool=pool)
    return None


async def _warm(runtime: Runtime) -> None:
    """Load the catalog and offers before the first request needs them, so that the first
    home screen does not wait on them one round trip after another. Best effort: a backend
    that is down now is asked again on first use."""
    for name, load in (
        ("catalog", runtime.ports.provisioning.catalog),
        ("offers", runtime.ports.loyalty.promotions),
    ):
        try:
            await load()
        except BackendError as exc:
            log.warning("could not warm the %s: %s", name, exc)


def _billing(
    settings: Settings, clients: _Clients, clock: Clock
) -> tuple[BillingPort, BillingActionsPort]:
    if settings.billing_dialect == "sigscale-ocs":
        ocs = build_ocs_billing(
            clients.session,
            settings.billing_url,
            settings.billing_username,
            settings.billing_password.get_secret_value(),
            settings.billing_timeout,
            settings.billing_concurrency,
            clock,
            currency=settings.billing_currency,
            guard=clients.guard("billing"),
        )
        return ocs, OcsActions(ocs)
    v4 = HttpBilling(
        clients.client("billing", settings.billing_url, settings.billing_timeout), clock
    )
    return v4, v4


def _no_arguments(arguments: dict[str, Any], info: Any) -> dict[str, Any]:
    return {}
