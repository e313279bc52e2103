"""Supervisors read the audit log through the API (auditLog), served from the audit store in
Redis: paged, filterable, kept across a restart, bounded in size and age; agents without
the supervisor role and subscribers are refused. Numbers +79000000395..399 are this
file's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import redis.asyncio

from adapters.audit import AuditEntry
from adapters.audit_redis_store import RedisAuditStore
from adapters.redis_guard import RedisGuard
from domain.principals import AGENT, SUPERVISOR, AgentPrincipal
from tests.conftest import GatewayFactory
from tests.harness.clock import FakeClock
from tests.harness.gateway import GatewayClient
from tests.harness.identity_provider import AUDIENCE, ISSUER, IdentityProvider

NUMBERS = ["+79000000395", "+79000000396", "+79000000397"]
READ = "query($m: [Msisdn!]!) { subscribers(msisdns: $m) { msisdn balance { stale } } }"
LOG = """query($agent: String, $m: Msisdn, $from: DateTime, $to: DateTime, $first: Int,
  $after: String) {
  auditLog(agent: $agent, msisdn: $m, from: $from, to: $to, first: $first, after: $after) {
    entries { at agent msisdn fields requestId } endCursor hasNextPage } }"""


def supervisor(gateway: GatewayClient, name: str = "lead-1") -> str:
    return gateway.tokens.mint(AgentPrincipal(name, frozenset({AGENT, SUPERVISOR})))


async def agent_reads(gateway: GatewayClient, agent: str, numbers: list[str]) -> None:
    answer = await gateway.query(READ, {"m": numbers}, token=gateway.agent_token(agent))
    assert answer.errors == [], answer.errors


async def audit_log(gateway: GatewayClient, token: str, **variables: Any) -> Any:
    answer = await gateway.query(LOG, variables, token=token)
    assert answer.errors == [], answer.errors
    return answer.data["auditLog"]


async def test_a_supervisor_pages_and_filters_the_log_across_days_and_a_restart(
    start_gateway: GatewayFactory,
) -> None:
    clock = FakeClock()
    first_day = clock.now()
    async with start_gateway(clock=clock) as gateway:
        await agent_reads(gateway, "olga", NUMBERS)
        clock.advance(2 * 86_400)
        await agent_reads(gateway, "ivan", NUMBERS[:2])

    # Another runtime on the same Redis: the log is still there.
    async with start_gateway(clock=clock) as gateway:
        lead = supervisor(gateway)
        everything = await audit_log(gateway, lead, first=50)
        assert [(e["agent"], e["msisdn"]) for e in everything["entries"]] == [
            ("ivan", NUMBERS[1]),
            ("ivan", NUMBERS[0]),
            ("olga", NUMBERS[2]),
            ("olga", NUMBERS[1]),
            ("olga", NUMBERS[0]),
        ]
        assert everything["hasNextPage"] is False
        assert everything["endCursor"] is None
        assert everything["entries"][0]["fields"] == ["balance", "msisdn"]

        # Pages of two, following the cursor across the days.
        seen, after = [], None
        for _ in range(5):
            page = await audit_log(gateway, lead, first=2, after=after)
            seen += [(e["agent"], e["msisdn"]) for e in page["entries"]]
            after = page["endCursor"]
            if not page["hasNextPage"]:
                break
        assert seen == [(e["agent"], e["msisdn"]) for e in everything["entries"]]

        by_agent = await audit_log(gateway, lead, agent="olga", m=NUMBERS[1])
        assert [(e["agent"], e["msisdn"]) for e in by_agent["entries"]] == [("olga", NUMBERS[1])]
        day_one = await audit_log(
            gateway,
            lead,
            **{"from": (first_day - timedelta(hours=1)).isoformat()},
            to=(first_day + timedelta(hours=1)).isoformat(),
        )
        assert {e["agent"] for e in day_one["entries"]} == {"olga"}
        assert len(day_one["entries"]) == 3
        since_day_two = await audit_log(
            gateway, lead, **{"from": (first_day + timedelta(days=1)).isoformat()}
        )
        assert {e["agent"] for e in since_day_two["entries"]} == {"ivan"}


async def test_only_supervisors_read_the_log(gateway: GatewayClient) -> None:
    for token in (gateway.agent_token("olga"), gateway.subscriber_token(NUMBERS[0])):
        answer = await gateway.query(LOG, {}, token=token)
        assert answer.codes == ["FORBIDDEN"]
        assert answer.data == {"auditLog": None}
    anonymous = await gateway.query(LOG, {})
    assert anonymous.codes == ["UNAUTHENTICATED"]


async def test_bad_paging_is_refused_with_a_clear_code(gateway: GatewayClient) -> None:
    lead = supervisor(gateway)
    for variables in ({"first": 0}, {"first": 1000}, {"after": "bm90LWEtY3Vyc29y"}):
        answer = await gateway.query(LOG, variables, token=lead)
        assert answer.codes == ["BAD_USER_INPUT"], variables
    backwards = await gateway.query(
        LOG, {"from": "2026-01-02T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, token=lead
    )
    assert backwards.codes == ["BAD_USER_INPUT"]


async def test_a_provider_supervisor_reads_the_log_and_a_provider_agent_may_not(
    start_gateway: GatewayFactory,
) -> None:
    clock = FakeClock()
    provider = IdentityProvider(clock)
    provider.new_key("ES256")
    await provider.start()
    try:
        async with start_gateway(
            clock=clock, agent_jwks_url=provider.url, agent_issuer=ISSUER, agent_audience=AUDIENCE
        ) as gateway:
            agent = provider.token("olga@operator.test", ["agent"])
            answer = await gateway.query(READ, {"m": NUMBERS[2:]}, token=agent)
            assert answer.errors == []
            refused = await gateway.query(LOG, {}, token=agent)
            assert refused.codes == ["FORBIDDEN"]
            lead = provider.token("lead@operator.test", ["supervisor"])
            log = await audit_log(gateway, lead, agent="olga@operator.test")
            assert [e["msisdn"] for e in log["entries"]] == NUMBERS[2:]
    finally:
        await provider.stop()


async def test_the_store_is_bounded_per_day_and_expires(redis_url: str, namespace: str) -> None:
    clock = FakeClock()
    client = redis.asyncio.Redis.from_url(redis_url)
    store = RedisAuditStore(
        client, namespace, RedisGuard(2.0), clock, per_day=100, retention_days=7
    )
    try:
        for i in range(1_000):
            store.append(AuditEntry(clock.now(), "olga", NUMBERS[0], ("msisdn",), f"r{i}"))
        await store.flush()
        key = f"{namespace}:audit:{clock.now().date().isoformat()}"
        # MAXLEN ~ trims whole nodes of the stream: about the cap, far below what was written.
        assert await client.xlen(key) < 300
        ttl = await client.ttl(key)
        assert 7 * 86_400 < ttl <= 9 * 86_400
    finally:
        await client.aclose()
