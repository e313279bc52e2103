"""`telecom-gateway demo`: the four simulated backends and the gateway in one process.

The only module of the gateway that knows `backends/`: the demo is where the simulated
world and the gateway meet, over loopback HTTP like everywhere else.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets

import uvicorn
from pydantic import SecretStr

from adapters.clock import SystemClock
from backends.identity.app import AUDIENCE, RunningIdentityProvider, start_identity_provider
from backends.ocs.auth import DEFAULT_PASSWORD, DEFAULT_USERNAME
from backends.runner import BackendsConfig, RunningBackends, start_backends
from domain.principals import SubscriberPrincipal
from gateway.app import create_app
from gateway.auth import TokenAuthority
from gateway.http_server import ConnectionLimits, ServerConfig
from gateway.runtime import build_tokens
from gateway.settings import Settings

log = logging.getLogger(__name__)

DEMO_NUMBERS = {
    "+79000000001": "the demo subscriber: configurable tariff, services, two linked numbers",
    "+79000000003": "a negative balance",
    "+79000000004": "unlimited data",
    "+79000000007": "pay-as-you-go, no quotas",
}
DEMO_TOKEN_TTL = 24 * 3600


def demo_settings(
    backends: RunningBackends, host: str, port: int, dialect: str = "tmf-v4"
) -> Settings:
    return Settings(
        billing_dialect=dialect,
        billing_username=DEFAULT_USERNAME,
        billing_password=DEFAULT_PASSWORD,
        payments_url=backends.payments_url or None,
        billing_url=backends.billing_url,
        provisioning_url=backends.provisioning_url,
        sms_url=backends.sms_url,
        loyalty_url=backends.loyalty_url,
        support_url=backends.support_url,
        host=host,
        port=port,
        graphiql=True,
        introspection=True,
        metrics_listen="api",  # one local process: no second port to explain
        access_log=False,
        web_demo=True,
        web_sms_inbox=f"{backends.sms_url}/admin/messages?msisdn=",
    )


async def run_demo(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    size: int = 10_000,
    seed: int = 42,
    latency_ms: float = 0.0,
    stop: asyncio.Event | None = None,
    dialect: str | None = None,
) -> int:
    """Serve until Ctrl-C (or until `stop` is set, for tests); then stop everything."""
    hub_secret = secrets.token_urlsafe(32)
    # TGW_BILLING_DIALECT picks the billing simulator too: the gateway must not speak one
    # dialect to the other's simulator (every balance would be null).
    # Read here rather than through Settings(): with sigscale-ocs those would refuse to
    # build without the payments URL that only the started simulators can give.
    dialect = dialect or os.environ.get("TGW_BILLING_DIALECT", "tmf-v4")
    backends = await start_backends(
        BackendsConfig(
            size=size,
            seed=seed,
            host=host,
            latency_ms=latency_ms,
            hub_secret=hub_secret,
            billing_dialect=dialect,
        )
    )
    # The company's identity provider, for agents: the console's sign-in page is its form.
    identity = await start_identity_provider(host, frozenset({f"http://{host}:{port}/agent/"}))
    try:
        settings = demo_settings(backends, host, port, dialect).model_copy(
            update={
                "hub_secret": SecretStr(hub_secret),
                "callback_url": f"http://{host}:{port}",
                "agent_jwks_url": f"{identity.url}/.well-known/jwks.json",
                "agent_issuer": identity.url,
                "agent_audience": AUDIENCE,
                "agent_sign_in_url": f"{identity.url}/authorize",
                "agent_token_url": f"{identity.url}/token",
            }
        )
        secret = (
            settings.jwt_secret.get_secret_value()
            if settings.jwt_secret
            else secrets.token_urlsafe(48)
        )
        server = uvicorn.Server(
            ServerConfig(
                create_app(settings, secret=secret),
                ConnectionLimits.from_settings(settings),
                host=host,
                port=port,
                log_level="warning",
                lifespan="on",
                timeout_graceful_shutdown=settings.shutdown_grace,
            )
        )
        serving = asyncio.create_task(server.serve())
        while not server.started:
            if serving.done():
                return 1
            await asyncio.sleep(0.05)
        bound_port = server.servers[0].sockets[0].getsockname()[1]
        tokens = build_tokens(settings, SystemClock(), secret)
        print(_banner(settings, backends, identity, host, bound_port, tokens), flush=True)
        if stop is not None:
            waiter = asyncio.create_task(stop.wait())
            await asyncio.wait({serving, waiter}, return_when=asyncio.FIRST_COMPLETED)
            server.should_exit = True
            waiter.cancel()
        await serving
    finally:
        await identity.stop()
        await backends.stop()
    return 0


def _banner(
    settings: Settings,
    backends: RunningBackends,
    identity: RunningIdentityProvider,
    host: str,
    port: int,
    tokens: TokenAuthority,
) -> str:
    subscriber = tokens.mint(SubscriberPrincipal("+79000000001"), DEMO_TOKEN_TTL)
    agent = identity.state.token("olga")
    supervisor = identity.state.token("lead")
    cache = (
        f"Redis at {settings.redis_url}"
        if settings.redis_url
        else "in process (set REDIS_URL to use Redis)"
    )
    numbers = "\n".join(f"  {n}  {what}" for n, what in DEMO_NUMBERS.items())
    return f"""
telecom-gateway demo
  Web page:  http://{host}:{port}/   (the personal account, in Russian or English)
  GraphQL:   http://{host}:{port}/graphql   (GraphiQL in a browser)
  Console:   http://{host}:{port}/agent/   (support agents, signed in at the provider below)
  cache:     {cache}
  backends:  billing {backends.billing_url}, provisioning {backends.provisioning_url},
             sms {backends.sms_url}, loyalty {backends.loyalty_url}
  SMS inbox: {backends.sms_url}/admin/messages?msisdn=%2B79000000001
  agents:    sign in at the company's identity provider {identity.url}
             (olga, ivan: agent; lead: supervisor; password demo)

Demo numbers:
{numbers}

Tokens (the subscriber's valid 24 h, the agents' 8 h, from the identity provider):
  export TOKEN={subscriber}
  export AGENT_TOKEN={agent}
  export SUPERVISOR_TOKEN={supervisor}
  (more: curl -s {identity.url}/token -d grant_type=password -d username=ivan -d password=demo)

Try:
  curl -s http://{host}:{port}/graphql -H 'content-type: application/json' \\
    -H "authorization: Bearer $TOKEN" \\
    -d '{{"query":"{{ me {{ msisdn balance {{ money {{ amount currency }} }} }} }}"}}'

Ctrl-C stops everything.
"""
