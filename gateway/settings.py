"""Every setting of the gateway, read once at start-up from the environment (or a `.env`
file) and passed in; nothing reads `os.environ` at import time.

Names are `TGW_<FIELD>` (e.g. `TGW_BILLING_URL`), except `REDIS_URL`, which keeps the
name every Redis tool knows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TGW_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # The backends, by URL only.
    billing_url: str = "http://127.0.0.1:8101"
    provisioning_url: str = "http://127.0.0.1:8102"
    sms_url: str = "http://127.0.0.1:8103"
    loyalty_url: str = "http://127.0.0.1:8104"
    payments_url: str | None = Field(
        None, description="the payment system (TMF676/670); unset: billing's URL"
    )
    billing_dialect: Literal["tmf-v4", "sigscale-ocs"] = Field(
        "tmf-v4", description="what billing speaks: TM Forum v4, or SigScale OCS's TMF654 R17"
    )
    billing_username: str = Field("", description="Basic-auth user (sigscale-ocs)")
    billing_password: SecretStr = Field(SecretStr(""), description="Basic-auth password")
    billing_concurrency: int = Field(8, ge=1, description="calls in flight (sigscale-ocs)")
    billing_currency: str = Field("RUB", description="currency of OCS's 'cents'")
    billing_timeout: float = Field(2.0, gt=0, description="seconds for one billing call")
    provisioning_timeout: float = Field(2.0, gt=0)
    sms_timeout: float = Field(2.0, gt=0)
    loyalty_timeout: float = Field(2.0, gt=0)
    backend_connections: int = Field(100, ge=1, description="pooled connections per backend")

    # Resilience.
    request_deadline: float = Field(5.0, gt=0, description="seconds a request may take")
    retry_attempts: int = Field(3, ge=1, description="tries of one backend read")
    retry_budget: int = Field(2, ge=0, description="retries one request may spend in all")
    breaker_failures: int = Field(5, ge=1, description="failures in a row that open a breaker")
    breaker_open_seconds: float = Field(10.0, gt=0, description="seconds a breaker stays open")
    shutdown_grace: int = Field(10, ge=0, description="seconds to finish requests on SIGTERM")
    sms_sender: str = "Tele2"
    support_url: str = "http://127.0.0.1:8105"
    support_timeout: float = Field(2.0, gt=0)

    # Live updates.
    hub_secret: SecretStr | None = Field(
        None, description="the backends' hub signature key; unset: event listener off"
    )
    # Top-ups as sagas (resolvers/money/top_up_saga.py).
    saga_lease_seconds: float = Field(
        30.0, gt=0, description="how long one process owns a top-up saga before another may"
    )
    saga_settle_seconds: float = Field(
        30.0, gt=0, description="wait before an unknown credit not found at billing is resent"
    )
    saga_recovery_interval: float = Field(
        5.0, gt=0, description="seconds between the recovery worker's passes over open sagas"
    )
    callback_url: str | None = Field(
        None, description="this gateway's URL as the backends reach it, to register hubs"
    )
    ws_connections_per_principal: int = Field(5, ge=1)
    sse_streams_per_principal: int = Field(
        10, ge=1, description="server-sent event streams one principal may hold open"
    )
    ws_init_timeout: float = Field(
        10.0, gt=0, description="seconds a WebSocket has to send connection_init (then 4408)"
    )
    subscriptions_per_connection: int = Field(20, ge=1)
    subscription_queue: int = Field(100, ge=1, description="events held for a slow client")
    ws_keepalive: float = Field(15.0, gt=0, description="seconds between pings")

    # Redis; without it everything is kept in process (one gateway process only).
    redis_url: str | None = Field(None, validation_alias=AliasChoices("REDIS_URL", "TGW_REDIS_URL"))
    redis_cluster_nodes: list[str] = Field(
        default_factory=list,
        description='Redis Cluster seed nodes, a JSON list of "host:port" (instead of REDIS_URL)',
    )
    redis_connections: int = Field(256, ge=1, description="pooled Redis connections per process")
    redis_timeout: float = Field(0.25, gt=0, description="seconds; a slow Redis counts as down")
    redis_retries: int = Field(
        1, ge=0, description="redis-py's own retries of a command, all within TGW_REDIS_TIMEOUT"
    )
    redis_breaker_open_seconds: float = Field(
        1.0, gt=0, description="seconds the Redis breaker skips Redis before a probe"
    )
    redis_sentinels: list[str] = Field(
        default_factory=list,
        description='Redis Sentinels, a JSON list of "host:port" (instead of REDIS_URL)',
    )
    redis_sentinel_service: str = Field("mymaster", description="the Sentinels' service name")
    redis_pubsub_check: float = Field(
        2.0, gt=0, description="seconds between pings of the event bus's pub/sub connection"
    )
    cache_namespace: str = "tgw"
    memory_cache_entries: int = Field(100_000, ge=100)
    gc_young_threshold: int = Field(
        5_000,
        ge=100,
        description="allocations between collections of the young generation (gateway/heap.py)",
    )

    # Freshness.
    balance_ttl: float = Field(30.0, gt=0, description="seconds a cached balance is fresh")
    balance_keep: float = Field(
        86_400.0, gt=0, description="seconds a balance is kept to serve stale if billing fails"
    )
    read_ttl: float = Field(
        30.0,
        gt=0,
        description="seconds a number's products, customer, links, offers and charges are "
        "cached (changes made through the gateway or announced by hub events drop them at once)",
    )
    answer_ttl: float = Field(
        15.0,
        ge=0,
        description="seconds a subscriber's whole home-screen answer is kept (0: never); "
        "dropped at once by any change to the number",
    )
    refresh_ahead: float = Field(
        0.5,
        ge=0,
        lt=1,
        description="the last fraction of each TTL (reads, balances, whole answers) in which "
        "a read starts the entry's refresh, at a moment jittered per entry, so hot entries "
        "are replaced before they expire and do not expire together (0: off)",
    )
    refresh_concurrency: int = Field(
        16, ge=1, description="background refreshes of read-cache entries at once per process"
    )
    catalog_ttl: float = Field(300.0, gt=0, description="seconds the catalog is kept in process")
    offers_ttl: float = Field(300.0, gt=0)

    # Tokens.
    jwt_secret: SecretStr | None = Field(
        None, description="HS256 key; the demo makes one up when unset, `serve` requires it"
    )
    jwt_issuer: str = "telecom-gateway"
    jwt_audience: str = "telecom-gateway"
    access_token_ttl: int = Field(900, gt=0, description="seconds an access token lives")
    # Agents' tokens from the company identity provider (OpenID Connect).
    agent_jwks_url: str | None = Field(
        None, description="the identity provider's JWKS; unset: agents' tokens are the gateway's"
    )
    agent_issuer: str | None = Field(None, description="`iss` of the provider's tokens")
    agent_audience: str | None = Field(None, description="`aud` the provider's tokens must carry")
    agent_sign_in_url: str | None = Field(
        None,
        description="the provider's authorization endpoint the agents' console (/agent/) "
        "sends agents to (authorization code with PKCE)",
    )
    agent_token_url: str | None = Field(
        None,
        description="the provider's token endpoint, where the console exchanges its code "
        "(it must answer the console's origin with CORS)",
    )
    agent_client_id: str = Field(
        "telecom-gateway-console", description="the console's client_id at the provider"
    )
    agent_roles_claim: str = Field(
        "roles", description="claim with the agent's roles (dotted for nested: realm_access.roles)"
    )
    agent_jwks_max_age: float = Field(
        600.0,
        gt=0,
        description="seconds the provider's keys are used before a refetch",
    )

    # Login: one-time codes, passwords, sessions, linked numbers.
    code_length: int = Field(6, ge=4, le=8, description="digits of a one-time code")
    code_ttl: float = Field(300.0, gt=0, description="seconds a one-time code is valid")
    code_max_tries: int = Field(5, ge=1, description="wrong tries before a code dies")
    code_resend_after: float = Field(60.0, ge=0, description="seconds before a new code")
    codes_per_number_per_day: int = Field(10, ge=1, description="codes texted to a number")
    codes_per_number_per_client_per_day: int = Field(
        3, ge=1, description="codes texted to a number at one client address's asking"
    )
    codes_per_client_per_day: int = Field(50, ge=1, description="per client address")
    code_logins_per_client_per_hour: int = Field(100, ge=1)
    password_logins_per_number_per_hour: int = Field(
        100, ge=1, description="failed password logins to a number, from anywhere"
    )
    password_logins_per_number_per_client_per_hour: int = Field(
        10, ge=1, description="failed password logins to a number from one client address"
    )
    password_logins_per_client_per_hour: int = Field(
        50, ge=1, description="failed password logins from one client address"
    )
    refresh_token_ttl: float = Field(30 * 86400.0, gt=0, description="seconds")
    max_linked_numbers: int = Field(5, ge=0)
    code_pepper: SecretStr | None = Field(
        None, description="key of the code hashes; derived from the JWT secret when unset"
    )
    audit_retention_days: int = Field(
        90, ge=1, description="days supervisors can look back in the audit store (auditLog)"
    )
    audit_per_day: int = Field(
        200_000, ge=100, description="agent reads kept per day in the audit store (about)"
    )
    audit_log: str | None = Field(
        None, description="file for the agents' audit log (JSON lines); unset: the log"
    )
    trusted_proxies: int = Field(
        0, ge=0, description="proxies in front whose X-Forwarded-For entries to trust"
    )

    # Actions.
    top_up_min: Decimal = Field(Decimal(10), gt=0, description="smallest top-up, RUB")
    top_up_max: Decimal = Field(Decimal(15_000), gt=0, description="largest top-up, RUB")
    share_max_gb: int = Field(30, ge=1, description="most GB one transfer gives")
    statement_months_back: int = Field(6, ge=1, description="how far back a statement reaches")

    # The edge: limits, persisted queries, batching, rate limits, CORS.
    max_body_bytes: int = Field(
        65_536, ge=1024, description="largest request body or WebSocket message"
    )
    body_timeout: float = Field(10.0, gt=0, description="seconds to send a request's body")
    header_timeout: float = Field(
        10.0, gt=0, description="seconds to send a request's line and headers"
    )
    max_header_bytes: int = Field(
        65_536, ge=1024, description="largest request line and headers together"
    )
    max_batch: int = Field(10, ge=1, description="operations in one batched request")
    max_depth: int = Field(10, ge=1, description="deepest nesting of fields")
    max_aliases: int = Field(30, ge=0, description="aliases in one operation")
    max_tokens: int = Field(2_000, ge=10, description="lexical tokens in one document")
    max_cost: int = Field(3_000, ge=1, description="static cost of one operation")
    max_list_length: int = Field(100, ge=1, description="items in a list argument")
    max_fields: int = Field(
        500, ge=1, description="fields an operation selects once its fragments are expanded"
    )
    max_introspection_depth: int = Field(
        20, ge=1, description="depth of __schema/__type when introspection is on"
    )
    limits_mode: Literal["enforce", "measure"] = Field(
        "enforce", description="measure: log what the limits would refuse, refuse nothing"
    )
    persisted_queries: Literal["apq", "allowlist"] = Field(
        "apq", description="apq: learn queries by hash; allowlist: registered operations only"
    )
    operations_file: str | None = Field(
        None, description="operations to register at start-up (manifest or {hash: query})"
    )
    apq_ttl: float = Field(30 * 86400.0, gt=0, description="seconds a learned query is kept")
    # Field usage per client (gateway/usage.py).
    usage_flush_seconds: float = Field(
        10.0, gt=0, description="seconds between flushes of the counted field usage to the store"
    )
    usage_retention_days: int = Field(30, ge=1, description="days field usage is kept")
    usage_clients: int = Field(
        100, ge=1, description="distinct clients counted per flush window; further: (other)"
    )
    usage_metrics_top: int = Field(
        20, ge=0, description="coordinates exported by name to Prometheus per flush"
    )
    rate_per_subscriber: int = Field(300, ge=1, description="operations a minute per subscriber")
    rate_per_agent: int = Field(3_000, ge=1, description="operations a minute per agent")
    rate_per_client: int = Field(1_200, ge=1, description="operations a minute per address")
    cors_origins: list[str] = Field(
        default_factory=list, description="origins allowed to call from a browser (JSON list)"
    )
    public_cache_seconds: int = Field(
        60, ge=0, description="max-age of anonymous GET answers (public catalogs)"
    )

    # The GraphQL endpoint.
    max_subscribers_per_query: int = Field(100, ge=1)
    max_batch_load: int = Field(500, ge=1, description="keys per backend call from a loader")
    graphiql: bool = False
    introspection: bool = False
    executor: Literal["plan", "graphql-core"] = Field(
        "plan",
        description="how queries and mutations run: compiled plans per document "
        "(gateway/plan/), or graphql-core's generic executor through strawberry",
    )
    parser_cache_size: int = Field(1000, ge=0)
    document_cache_bytes: int = Field(
        64 * 1024 * 1024, ge=0, description="estimated bytes of validated documents kept"
    )

    # Operations.
    metrics_listen: str = Field(
        "127.0.0.1:9464",
        description="where /metrics is served: host:port (serve's own listener), api, off",
    )
    access_log: bool = Field(True, description="one JSON line per request")
    log_level: str = "INFO"
    otlp_endpoint: str | None = Field(
        None, description="OTLP/HTTP traces endpoint (e.g. http://collector:4318/v1/traces)"
    )
    service_name: str = "telecom-gateway"
    health_path: str = Field(
        "/openapi.json", description="a cheap route of each backend for /readyz"
    )
    health_paths: dict[str, str] = Field(
        default_factory=dict, description="per-backend health routes, a JSON object"
    )

    # The self-care web page.
    web: bool = Field(True, description="serve the self-care web page at /")
    web_demo: bool = Field(False, description="the page links the demo's SMS inbox")
    web_sms_inbox: str | None = Field(None, description="the demo SMS inbox URL (demo only)")

    host: str = "127.0.0.1"
    port: int = 8000

    @model_validator(mode="after")
    def _payments_named_beside_ocs(self) -> Settings:
        # Defaulting payments to billing's URL would send TMF676 to the charging system.
        if self.billing_dialect == "sigscale-ocs" and not self.payments_url:
            raise ValueError(
                "TGW_PAYMENTS_URL is required with TGW_BILLING_DIALECT=sigscale-ocs: "
                "SigScale OCS takes no payments"
            )
        return self
