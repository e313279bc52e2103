"""The demo's identity provider (backends/identity/): its login form sends an agent back
with a token the gateway accepts, a supervisor's token reads the audit log, its keys rotate
without the gateway restarting, and it refuses wrong passwords and foreign redirects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import aiohttp
import jwt
import pytest

from backends.identity.app import AUDIENCE, RunningIdentityProvider, start_identity_provider
from tests.conftest import GatewayFactory
from tests.harness.clock import FakeClock
from tests.harness.gateway import GatewayClient

CONSOLE = "http://127.0.0.1:8000/agent/"
READ = 'query { subscriber(msisdn: "+79000000398") { msisdn } }'
LOG = "{ auditLog(first: 5) { entries { agent msisdn } } }"


@pytest.fixture
async def identity() -> AsyncIterator[RunningIdentityProvider]:
    provider = await start_identity_provider("127.0.0.1", frozenset({CONSOLE}))
    yield provider
    await provider.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def gateway(
    start_gateway: GatewayFactory, identity: RunningIdentityProvider, clock: FakeClock
) -> AsyncIterator[GatewayClient]:
    async with start_gateway(
        clock=clock,
        agent_jwks_url=f"{identity.url}/.well-known/jwks.json",
        agent_issuer=identity.url,
        agent_audience=AUDIENCE,
    ) as client:
        yield client


async def sign_in(
    http: aiohttp.ClientSession, identity: RunningIdentityProvider, user: str, password: str
) -> aiohttp.ClientResponse:
    async with http.get(
        f"{identity.url}/authorize", params={"redirect_uri": CONSOLE, "state": "s-1"}
    ) as form:
        assert form.status == 200
        assert 'name="password"' in await form.text()
    form_data = {"username": user, "password": password, "redirect_uri": CONSOLE, "state": "s-1"}
    async with http.post(
        f"{identity.url}/authorize", data=form_data, allow_redirects=False
    ) as answer:
        await answer.read()
        return answer


async def token_of(
    http: aiohttp.ClientSession, identity: RunningIdentityProvider, user: str
) -> str:
    answer = await sign_in(http, identity, user, "demo")
    assert answer.status == 303
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CONSOLE
    fragment = parse_qs(location.fragment)
    assert fragment["state"] == ["s-1"]
    return fragment["access_token"][0]


async def test_an_agent_signs_in_and_a_supervisor_reads_the_audit_log(
    gateway: GatewayClient, identity: RunningIdentityProvider, http: aiohttp.ClientSession
) -> None:
    agent = await token_of(http, identity, "olga")
    answer = await gateway.query(READ, token=agent)
    assert answer.errors == []
    refused = await gateway.query(LOG, token=agent)
    assert refused.codes == ["FORBIDDEN"]
    supervisor = await token_of(http, identity, "lead")
    log = await gateway.query(LOG, token=supervisor)
    assert log.errors == []
    assert log.data["auditLog"]["entries"][0] == {"agent": "olga@demo", "msisdn": "+79000000398"}


async def test_a_rotated_key_is_accepted_without_a_restart(
    gateway: GatewayClient,
    identity: RunningIdentityProvider,
    http: aiohttp.ClientSession,
    clock: FakeClock,
) -> None:
    assert (await gateway.query(READ, token=await token_of(http, identity, "ivan"))).errors == []
    async with http.post(f"{identity.url}/admin/rotate") as rotated:
        kid = (await rotated.json())["kid"]
    clock.advance(11)  # past the gateway's pause between fetches for unknown keys
    token = await token_of(http, identity, "ivan")
    assert jwt.get_unverified_header(token)["kid"] == kid  # the new key signs from now on
    assert (await gateway.query(READ, token=token)).errors == []


async def test_wrong_passwords_and_foreign_redirects_are_refused(
    identity: RunningIdentityProvider, http: aiohttp.ClientSession
) -> None:
    assert (await sign_in(http, identity, "olga", "wrong")).status == 401
    assert (await sign_in(http, identity, "nobody", "demo")).status == 401
    async with http.get(
        f"{identity.url}/authorize", params={"redirect_uri": "https://evil.test/", "state": "x"}
    ) as foreign:
        assert foreign.status == 400
    async with http.post(
        f"{identity.url}/token",
        data={"grant_type": "password", "username": "olga", "password": "wrong"},
    ) as refused:
        assert refused.status == 400
    async with http.post(
        f"{identity.url}/token",
        data={"grant_type": "password", "username": "olga", "password": "demo"},
    ) as granted:
        assert granted.status == 200
        assert (await granted.json())["token_type"] == "Bearer"
