"""Who may read which number: subscribers their own and linked ones, agents any."""

from __future__ import annotations

import jwt
import pytest

from tests.api.queries import BALANCE, SUBSCRIBER_BALANCE
from tests.conftest import GatewayFactory
from tests.harness.clock import FakeClock
from tests.harness.gateway import GatewayClient

DEMO = "+79000000001"
LINKED = "+79000000005"
STRANGER = "+79000000002"


async def test_no_token_is_unauthenticated(gateway: GatewayClient) -> None:
    answer = await gateway.query(BALANCE)
    assert answer.status == 200
    assert answer.data == {"me": None}
    assert answer.codes == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-jwt", "Basic dXNlcjpwYXNz", "Bearer " + jwt.encode({"sub": DEMO}, "x" * 32)],
    ids=["garbage", "not-bearer", "wrong-key"],
)
async def test_a_bad_token_is_unauthenticated(gateway: GatewayClient, header: str) -> None:
    answer = await gateway.query(BALANCE, headers={"authorization": header})
    assert answer.codes == ["UNAUTHENTICATED"]


async def test_an_expired_token_is_unauthenticated(start_gateway: GatewayFactory) -> None:
    clock = FakeClock()
    async with start_gateway(clock) as gateway:
        token = gateway.subscriber_token(DEMO, ttl=60)
        assert (await gateway.query(BALANCE, token=token)).errors == []
        clock.advance(61)
        answer = await gateway.query(BALANCE, token=token)
    assert answer.codes == ["UNAUTHENTICATED"]
    assert "expired" in answer.errors[0]["message"]


@pytest.mark.parametrize(
    ("target", "allowed"),
    [(DEMO, True), (LINKED, True), (STRANGER, False), ("+79000009999", False)],
    ids=["own", "linked", "stranger", "not-a-subscriber"],
)
async def test_a_subscriber_reaches_own_and_linked_numbers_only(
    gateway: GatewayClient, target: str, allowed: bool
) -> None:
    answer = await gateway.query(
        SUBSCRIBER_BALANCE, {"m": target}, token=gateway.subscriber_token(DEMO)
    )
    if allowed:
        assert answer.errors == []
        assert answer.data["subscriber"]["msisdn"] == target
    else:
        # The same answer whether or not the number exists.
        assert answer.data == {"subscriber": None}
        assert answer.codes == ["FORBIDDEN"]
        assert answer.errors[0]["message"] == "this number is not yours or linked to you"


async def test_a_stranger_in_a_dashboard_list_fails_alone(gateway: GatewayClient) -> None:
    answer = await gateway.query(
        "query($m: [Msisdn!]!) { subscribers(msisdns: $m) { msisdn } }",
        {"m": [DEMO, STRANGER]},
        token=gateway.subscriber_token(DEMO),
    )
    assert answer.data == {"subscribers": [{"msisdn": DEMO}, None]}
    assert answer.codes == ["FORBIDDEN"]
    assert answer.errors[0]["path"] == ["subscribers", 1]


async def test_an_agent_reaches_any_number(gateway: GatewayClient) -> None:
    answer = await gateway.query(SUBSCRIBER_BALANCE, {"m": STRANGER}, token=gateway.agent_token())
    assert answer.errors == []
    assert answer.data["subscriber"]["balance"]["money"]["amount"] == "0.00"


async def test_an_agent_has_no_me(gateway: GatewayClient) -> None:
    answer = await gateway.query(BALANCE, token=gateway.agent_token())
    assert answer.codes == ["FORBIDDEN"]


async def test_linked_numbers_of_a_linked_number_are_not_reachable(
    gateway: GatewayClient,
) -> None:
    """Reaching a linked number does not extend to the numbers *it* has linked."""
    query = """query($m: Msisdn!) { subscriber(msisdn: $m) {
        linkedNumbers { msisdn subscriber { msisdn } } } }"""
    owner_links = await gateway.query(query, {"m": DEMO}, token=gateway.subscriber_token(DEMO))
    assert owner_links.errors == []
    for link in owner_links.data["subscriber"]["linkedNumbers"]:
        assert link["subscriber"] == {"msisdn": link["msisdn"]}


async def test_public_catalogs_need_no_token(gateway: GatewayClient) -> None:
    answer = await gateway.query("{ tariffs { id name } serviceCatalog { id } offers { id } }")
    assert answer.errors == []
    assert len(answer.data["tariffs"]) == 5
    assert answer.data["offers"]
