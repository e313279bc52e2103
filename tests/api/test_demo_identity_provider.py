"""The demo's identity provider (backends/identity/): authorization code with PKCE (S256)
gives an agent a token the gateway accepts, a supervisor's token reads the audit log, its
keys rotate without the gateway restarting; it refuses wrong passwords, foreign redirects,
a missing or plain challenge, and a code exchanged with a wrong verifier, a second time,
after it expired, or for another redirect URI or client."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import jwt
import pytest

from backends.identity.app import (
    AUDIENCE,
    CLIENT_ID,
    CODE_TTL,
    RunningIdentityProvider,
    start_identity_provider,
)
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


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def code_request(verifier: str, **changes: str) -> dict[str, str]:
    """The console's authorization request, with `changes` (an empty value: left out)."""
    request = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": CONSOLE,
        "state": "s-1",
        "code_challenge": challenge_of(verifier),
        "code_challenge_method": "S256",
        **changes,
    }
    return {name: value for name, value in request.items() if value}


async def sign_in(
    http: aiohttp.ClientSession,
    identity: RunningIdentityProvider,
    user: str,
    password: str,
    verifier: str = "v" * 43,
) -> aiohttp.ClientResponse:
    request = code_request(verifier)
    async with http.get(f"{identity.url}/authorize", params=request) as form:
        assert form.status == 200
        assert 'name="password"' in await form.text()
    form_data = {**request, "username": user, "password": password}
    async with http.post(
        f"{identity.url}/authorize", data=form_data, allow_redirects=False
    ) as answer:
        await answer.read()
        return answer


def redirected_with(answer: aiohttp.ClientResponse) -> dict[str, str]:
    """Where the provider sent the browser: back to the console, with what in its query."""
    assert answer.status == 303
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CONSOLE
    assert location.fragment == ""  # nothing in a fragment: no implicit flow
    return {name: values[0] for name, values in parse_qs(location.query).items()}


async def code_of(
    http: aiohttp.ClientSession, identity: RunningIdentityProvider, user: str, verifier: str
) -> str:
    back = redirected_with(await sign_in(http, identity, user, "demo", verifier))
    assert back["state"] == "s-1"
    return back["code"]


async def exchange(
    http: aiohttp.ClientSession, identity: RunningIdentityProvider, **form: str
) -> tuple[int, dict[str, Any]]:
    async with http.post(
        f"{identity.url}/token",
        data={"grant_type": "authorization_code", "redirect_uri": CONSOLE, "client_id": CLIENT_ID}
        | form,
        headers={"Origin": "http://127.0.0.1:8000"},
    ) as answer:
        # The console's page reads the answer across origins.
        assert answer.headers.get("Access-Control-Allow-Origin") == "http://127.0.0.1:8000"
        body: dict[str, Any] = await answer.json()
        return answer.status, body


async def token_of(
    http: aiohttp.ClientSession, identity: RunningIdentityProvider, user: str
) -> str:
    verifier = secrets.token_urlsafe(48)
    code = await code_of(http, identity, user, verifier)
    status, body = await exchange(http, identity, code=code, code_verifier=verifier)
    assert status == 200, body
    assert body["token_type"] == "Bearer"
    token: str = body["access_token"]
    return token


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
        f"{identity.url}/authorize",
        params=code_request("v" * 43, redirect_uri="https://evil.test/"),
        allow_redirects=False,
    ) as foreign:
        assert foreign.status == 400  # never sent there, not even with an error
    async with http.get(
        f"{identity.url}/authorize",
        params=code_request("v" * 43, client_id="someone-else"),
        allow_redirects=False,
    ) as stranger:
        assert stranger.status == 400
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


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"code_challenge": "", "code_challenge_method": ""}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": ""}, "invalid_request"),
        ({"code_challenge": "too-short"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
    ],
)
async def test_a_request_without_an_s256_challenge_goes_back_refused(
    identity: RunningIdentityProvider,
    http: aiohttp.ClientSession,
    changes: dict[str, str],
    error: str,
) -> None:
    request = code_request("v" * 43, **changes)
    async with http.get(
        f"{identity.url}/authorize", params=request, allow_redirects=False
    ) as shown:
        assert redirected_with(shown) | {"error_description": ""} == {
            "error": error,
            "error_description": "",
            "state": "s-1",
        }
    # Nor does the form's POST issue a code for it.
    form = {**request, "username": "olga", "password": "demo"}
    async with http.post(f"{identity.url}/authorize", data=form, allow_redirects=False) as posted:
        back = redirected_with(posted)
        assert back["error"] == error
        assert "code" not in back


async def test_the_discovery_document_says_code_with_s256(
    identity: RunningIdentityProvider, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{identity.url}/.well-known/openid-configuration") as answer:
        found = await answer.json()
    assert found["response_types_supported"] == ["code"]
    assert found["code_challenge_methods_supported"] == ["S256"]
    assert set(found["grant_types_supported"]) == {"authorization_code", "password"}
    assert found["token_endpoint"] == f"{identity.url}/token"


async def test_a_code_is_refused_with_a_wrong_verifier_and_is_gone_after(
    identity: RunningIdentityProvider, http: aiohttp.ClientSession
) -> None:
    verifier = secrets.token_urlsafe(48)
    code = await code_of(http, identity, "olga", verifier)
    status, body = await exchange(
        http, identity, code=code, code_verifier=secrets.token_urlsafe(48)
    )
    assert (status, body["error"]) == (400, "invalid_grant")
    # The right verifier now is too late: a code has one try.
    status, body = await exchange(http, identity, code=code, code_verifier=verifier)
    assert (status, body["error"]) == (400, "invalid_grant")


async def test_a_code_is_good_for_one_exchange(
    identity: RunningIdentityProvider, http: aiohttp.ClientSession
) -> None:
    verifier = secrets.token_urlsafe(48)
    code = await code_of(http, identity, "ivan", verifier)
    status, _ = await exchange(http, identity, code=code, code_verifier=verifier)
    assert status == 200
    status, body = await exchange(http, identity, code=code, code_verifier=verifier)
    assert (status, body["error"]) == (400, "invalid_grant")


async def test_a_code_expires(
    identity: RunningIdentityProvider, http: aiohttp.ClientSession
) -> None:
    moment = [1_900_000_000.0]
    identity.state.now = lambda: moment[0]
    verifier = secrets.token_urlsafe(48)
    fresh = await code_of(http, identity, "olga", verifier)
    stale = await code_of(http, identity, "olga", verifier)
    moment[0] += CODE_TTL - 1
    assert (await exchange(http, identity, code=fresh, code_verifier=verifier))[0] == 200
    moment[0] += 2  # past CODE_TTL since it was issued
    status, body = await exchange(http, identity, code=stale, code_verifier=verifier)
    assert (status, body["error"]) == (400, "invalid_grant")
    assert "expired" in body["error_description"]


@pytest.mark.parametrize(
    "changes",
    [
        {"redirect_uri": "http://127.0.0.1:8000/agent/other"},
        {"redirect_uri": "https://evil.test/"},
        {"client_id": "someone-else"},
    ],
)
async def test_a_code_is_bound_to_its_client_and_redirect_uri(
    identity: RunningIdentityProvider, http: aiohttp.ClientSession, changes: dict[str, str]
) -> None:
    verifier = secrets.token_urlsafe(48)
    code = await code_of(http, identity, "olga", verifier)
    status, body = await exchange(http, identity, code=code, code_verifier=verifier, **changes)
    assert (status, body["error"]) == (400, "invalid_grant")


async def test_an_exchange_missing_a_part_or_a_verifier_of_the_wrong_shape_is_refused(
    identity: RunningIdentityProvider, http: aiohttp.ClientSession
) -> None:
    verifier = secrets.token_urlsafe(48)
    code = await code_of(http, identity, "olga", verifier)
    status, body = await exchange(http, identity, code=code)
    assert (status, body["error"]) == (400, "invalid_request")
    # A verifier that is the challenge's own text (what a "plain" client would send).
    status, body = await exchange(http, identity, code=code, code_verifier=challenge_of(verifier))
    assert (status, body["error"]) == (400, "invalid_grant")
    async with http.post(f"{identity.url}/token", data={"grant_type": "implicit"}) as unknown:
        assert unknown.status == 400
        assert (await unknown.json())["error"] == "unsupported_grant_type"


async def test_only_the_consoles_origin_may_read_token_answers(
    identity: RunningIdentityProvider, http: aiohttp.ClientSession
) -> None:
    async with http.post(
        f"{identity.url}/token",
        data={"grant_type": "password", "username": "olga", "password": "demo"},
        headers={"Origin": "https://evil.test"},
    ) as answer:
        assert answer.status == 200
        assert "Access-Control-Allow-Origin" not in answer.headers
