"""Agents sign in with the company's identity provider: the gateway verifies the provider's
RS256/ES256 tokens against its JWKS, served here over HTTP on loopback and rotated by the
tests. Numbers +79000000391..394 are this file's."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from tests.conftest import GatewayFactory
from tests.harness.clock import FakeClock
from tests.harness.gateway import GatewayClient
from tests.harness.identity_provider import AUDIENCE, ISSUER, IdentityProvider
from tests.harness.live import live

CALLER = "+79000000391"
READ = "query($m: Msisdn!) { subscriber(msisdn: $m) { msisdn } }"
QUEUE = "{ openSupportConversations { id msisdn } }"
START = 'mutation($m: Msisdn!) { startSupportConversation(msisdn: $m, text: "Помогите") { id } }'
ANSWER = """mutation($c: ID!) { sendSupportMessage(conversationId: $c, text: "Здравствуйте")
  { author text } }"""
TOP_UP = (
    'mutation($m: Msisdn!) { topUp(msisdn: $m, amount: "100", '
    'paymentMethod: {cardToken: "tok_x"}, idempotencyKey: "agent-sign-in-1") '
    "{ userErrors { code } } }"
)
# Unknown `kid`s refetch the keys at most this often (adapters/identity_provider.py).
REFETCH_AFTER = 10.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def provider(clock: FakeClock) -> AsyncIterator[IdentityProvider]:
    idp = IdentityProvider(clock)
    idp.new_key("RS256")
    await idp.start()
    yield idp
    if idp.hold is not None:
        idp.hold.set()
    await idp.stop()


@pytest.fixture
async def gateway(
    start_gateway: GatewayFactory, provider: IdentityProvider, clock: FakeClock
) -> AsyncIterator[GatewayClient]:
    async with start_gateway(
        clock=clock,
        agent_jwks_url=provider.url,
        agent_issuer=ISSUER,
        agent_audience=AUDIENCE,
    ) as client:
        yield client


async def reads(gateway: GatewayClient, token: str) -> list[str]:
    """The error codes of reading a number with the token ([] when it may)."""
    answer = await gateway.query(READ, {"m": CALLER}, token=token)
    if not answer.codes:
        assert answer.data["subscriber"]["msisdn"] == CALLER
    return answer.codes


async def test_rs256_and_es256_provider_tokens_read_any_number(
    gateway: GatewayClient, provider: IdentityProvider, clock: FakeClock
) -> None:
    assert await reads(gateway, provider.token("olga")) == []
    clock.advance(REFETCH_AFTER + 1)
    provider.new_key("ES256")
    assert await reads(gateway, provider.token("ivan")) == []


async def test_an_agent_answers_a_chat_but_changes_nothing(
    gateway: GatewayClient, provider: IdentityProvider
) -> None:
    started = await gateway.query(START, {"m": CALLER}, token=gateway.subscriber_token(CALLER))
    assert started.errors == [], started.errors
    agent = provider.token("olga")
    queue = await gateway.query(QUEUE, token=agent)
    assert queue.errors == []
    assert CALLER in [c["msisdn"] for c in queue.data["openSupportConversations"]]
    answer = await gateway.query(
        ANSWER, {"c": started.data["startSupportConversation"]["id"]}, token=agent
    )
    assert answer.errors == [], answer.errors
    assert answer.data["sendSupportMessage"]["text"] == "Здравствуйте"

    top_up = await gateway.query(TOP_UP, {"m": CALLER}, token=agent)
    assert top_up.codes == ["FORBIDDEN"]


async def test_a_subscriber_token_on_the_agents_queue_is_forbidden(gateway: GatewayClient) -> None:
    answer = await gateway.query(QUEUE, token=gateway.subscriber_token(CALLER))
    assert answer.codes == ["FORBIDDEN"]


@pytest.mark.parametrize(
    "claims",
    [{"iss": "https://id.elsewhere.test/"}, {"aud": "another-app"}],
    ids=["unknown-issuer", "wrong-audience"],
)
async def test_tokens_for_someone_else_are_refused(
    gateway: GatewayClient, provider: IdentityProvider, claims: dict[str, Any]
) -> None:
    assert await reads(gateway, provider.token("olga", **claims)) == ["UNAUTHENTICATED"]


async def test_an_expired_token_is_refused(
    gateway: GatewayClient, provider: IdentityProvider, clock: FakeClock
) -> None:
    token = provider.token("olga", ttl=60)
    assert await reads(gateway, token) == []
    clock.advance(61)
    answer = await gateway.query(READ, {"m": CALLER}, token=token)
    assert answer.codes == ["UNAUTHENTICATED"]
    assert "expired" in answer.errors[0]["message"]


async def test_a_token_without_a_desk_role_is_forbidden(
    gateway: GatewayClient, provider: IdentityProvider
) -> None:
    assert await reads(gateway, provider.token("olga", roles=["billing-admin"])) == ["FORBIDDEN"]


async def test_a_rotated_key_is_picked_up_and_a_withdrawn_one_refused(
    gateway: GatewayClient, provider: IdentityProvider, clock: FakeClock
) -> None:
    old = provider.published[0]
    assert await reads(gateway, provider.token("olga", kid=old)) == []
    assert provider.fetches == 1

    # A token signed with a key the provider has not published yet is refused...
    new = provider.new_key("RS256", publish=False)
    assert await reads(gateway, provider.token("olga", kid=new)) == ["UNAUTHENTICATED"]
    # ...and accepted once the JWKS has it, without a restart.
    clock.advance(REFETCH_AFTER + 1)
    provider.rotate([new])
    assert await reads(gateway, provider.token("olga", kid=new)) == []
    # The fetch that brought the new key dropped the withdrawn one.
    assert await reads(gateway, provider.token("olga", kid=old)) == ["UNAUTHENTICATED"]
    # Garbage `kid`s do not make a fetch each.
    fetches = provider.fetches
    for _ in range(5):
        await reads(gateway, provider.token("olga", kid=provider.new_key(publish=False)))
    assert provider.fetches == fetches


async def test_a_burst_for_a_new_key_makes_one_fetch(
    gateway: GatewayClient, provider: IdentityProvider, clock: FakeClock
) -> None:
    assert await reads(gateway, provider.token("olga")) == []
    clock.advance(REFETCH_AFTER + 1)
    new = provider.new_key("ES256")
    provider.hold = asyncio.Event()
    fetches = provider.fetches
    burst = [
        asyncio.create_task(reads(gateway, provider.token(f"a{i}", kid=new))) for i in range(8)
    ]
    for _ in range(500):  # bounded: the first request reaches the provider
        if provider.waiting:
            break
        await asyncio.sleep(0.01)
    assert provider.waiting == 1
    provider.hold.set()
    assert await asyncio.gather(*burst) == [[]] * 8
    assert provider.fetches == fetches + 1


async def test_a_jwks_outage_keeps_known_keys_and_refuses_new_ones_clearly(
    gateway: GatewayClient, provider: IdentityProvider, clock: FakeClock
) -> None:
    assert await reads(gateway, provider.token("olga")) == []
    await provider.stop()
    # Past the keys' age too: the refetch fails and the known keys stay in force.
    clock.advance(601)
    assert await reads(gateway, provider.token("olga")) == []
    new = provider.new_key("RS256")
    answer = await gateway.query(READ, {"m": CALLER}, token=provider.token("olga", kid=new))
    assert answer.codes == ["IDENTITY_PROVIDER_UNAVAILABLE"]
    assert "identity provider" in answer.errors[0]["message"]

    await provider.start()
    clock.advance(REFETCH_AFTER + 1)
    assert await reads(gateway, provider.token("olga", kid=new)) == []


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


async def test_hs256_signed_with_the_providers_public_key_is_refused(
    gateway: GatewayClient, provider: IdentityProvider, clock: FakeClock
) -> None:
    kid = provider.published[0]
    assert await reads(gateway, provider.token("olga", kid=kid)) == []  # the key is known
    public_pem = (
        provider.private[kid][1]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    now = int(clock.now().timestamp())
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "mallory", "iat": now, "exp": now + 600}
    claims["roles"] = ["supervisor"]
    payload = _b64(json.dumps(claims).encode())
    signature = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    forged = f"{header}.{payload}.{_b64(signature)}"
    assert await reads(gateway, forged) == ["UNAUTHENTICATED"]


async def test_the_gateways_own_agent_tokens_are_refused_once_the_provider_signs_them(
    gateway: GatewayClient,
) -> None:
    assert await reads(gateway, gateway.agent_token("olga")) == ["UNAUTHENTICATED"]
    # Subscribers' tokens stay the gateway's own.
    own = await gateway.query("{ me { msisdn } }", token=gateway.subscriber_token(CALLER))
    assert own.errors == []
    assert own.data["me"]["msisdn"] == CALLER


async def test_the_websocket_accepts_a_provider_token_and_refuses_a_forged_one(
    gateway: GatewayClient, provider: IdentityProvider
) -> None:
    # The first token the gateway sees on this socket names a key it has not fetched yet.
    async with live(gateway, provider.token("olga")) as client:
        assert (await client.receive())["type"] == "connection_ack"
    async with live(gateway, provider.token("olga", aud="another-app")) as client:
        assert await client.receive() == {"type": "closed", "code": 4403}
