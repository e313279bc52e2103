"""Linking another number: a code to that number, a confirmation, then its data."""

from __future__ import annotations

import aiohttp

from backends.runner import BackendsThread
from tests.api.auth_queries import CONFIRM_LINK, LINK, MY_LINKS, UNLINK
from tests.api.queries import SUBSCRIBER_BALANCE
from tests.conftest import GatewayFactory
from tests.harness.clock import FakeClock
from tests.harness.gateway import GatewayClient
from tests.harness.inbox import last_code, messages

OWNER = "+79000000008"  # links nobody in the data set
TARGET = "+79000000002"


async def test_link_confirm_read_unlink(
    gateway: GatewayClient, http: aiohttp.ClientSession, backends: BackendsThread
) -> None:
    token = gateway.subscriber_token(OWNER)
    asked = await gateway.query(LINK, {"m": TARGET, "a": "Папа"}, token=token)
    assert asked.errors == []

    pending = await gateway.query(MY_LINKS, token=token)
    assert pending.data["me"]["linkedNumbers"] == [
        {"msisdn": TARGET, "alias": "Папа", "status": "PENDING"}
    ]
    denied = await gateway.query(SUBSCRIBER_BALANCE, {"m": TARGET}, token=token)
    assert denied.codes == ["FORBIDDEN"], "an unconfirmed link gives no access"

    # The code went to the other number, not to the owner.
    code = await last_code(http, backends.sms_url, TARGET)
    assert OWNER in (await _newest(http, backends, TARGET))
    wrong = "000000" if code != "000000" else "111111"
    assert (await gateway.query(CONFIRM_LINK, {"m": TARGET, "c": wrong}, token=token)).codes == [
        "INVALID_CODE"
    ]
    confirmed = await gateway.query(CONFIRM_LINK, {"m": TARGET, "c": code}, token=token)
    assert confirmed.data == {
        "confirmLinkedNumber": {"msisdn": TARGET, "alias": "Папа", "status": "CONFIRMED"}
    }

    allowed = await gateway.query(SUBSCRIBER_BALANCE, {"m": TARGET}, token=token)
    assert allowed.errors == []
    assert allowed.data["subscriber"]["msisdn"] == TARGET

    assert (await gateway.query(UNLINK, {"m": TARGET}, token=token)).data == {"unlinkNumber": True}
    assert (await gateway.query(MY_LINKS, token=token)).data["me"]["linkedNumbers"] == []
    after = await gateway.query(SUBSCRIBER_BALANCE, {"m": TARGET}, token=token)
    assert after.codes == ["FORBIDDEN"]


async def _newest(http: aiohttp.ClientSession, backends: BackendsThread, msisdn: str) -> str:
    return (await messages(http, backends.sms_url, msisdn))[0]


async def test_only_numbers_of_this_operator(gateway: GatewayClient) -> None:
    answer = await gateway.query(LINK, {"m": "+79990000000"}, token=gateway.subscriber_token(OWNER))
    assert answer.codes == ["NOT_OPERATOR_NUMBER"]


async def test_not_ones_own_number_and_not_twice(gateway: GatewayClient) -> None:
    own = await gateway.query(LINK, {"m": OWNER}, token=gateway.subscriber_token(OWNER))
    assert own.codes == ["BAD_USER_INPUT"]
    already = await gateway.query(
        LINK, {"m": "+79000000005"}, token=gateway.subscriber_token("+79000000001")
    )
    assert already.codes == ["ALREADY_LINKED"]


async def test_the_link_limit(start_gateway: GatewayFactory) -> None:
    async with start_gateway(max_linked_numbers=1) as gateway:
        token = gateway.subscriber_token(OWNER)
        assert (await gateway.query(LINK, {"m": "+79000000031"}, token=token)).errors == []
        answer = await gateway.query(LINK, {"m": "+79000000032"}, token=token)
        assert answer.codes == ["LINK_LIMIT_REACHED"]
        # Dropping the pending link frees the place.
        assert (await gateway.query(UNLINK, {"m": "+79000000031"}, token=token)).errors == []
        assert (await gateway.query(LINK, {"m": "+79000000032"}, token=token)).errors == []


async def test_agents_do_not_link(gateway: GatewayClient) -> None:
    answer = await gateway.query(LINK, {"m": TARGET}, token=gateway.agent_token())
    assert answer.codes == ["FORBIDDEN"]


async def test_a_link_without_an_alias(
    gateway: GatewayClient, http: aiohttp.ClientSession, backends: BackendsThread
) -> None:
    owner, target = "+79000000009", "+79000000010"
    token = gateway.subscriber_token(owner)
    assert (await gateway.query(LINK, {"m": target}, token=token)).errors == []
    code = await last_code(http, backends.sms_url, target)
    confirmed = await gateway.query(CONFIRM_LINK, {"m": target, "c": code}, token=token)
    assert confirmed.data == {
        "confirmLinkedNumber": {"msisdn": target, "alias": None, "status": "CONFIRMED"}
    }
    assert (await gateway.query(UNLINK, {"m": target}, token=token)).data == {"unlinkNumber": True}


async def test_a_pending_link_shows_at_once_and_goes_when_its_code_expires(
    start_gateway: GatewayFactory,
) -> None:
    # Pending links are kept with the number's other reads (adapters/security/kept_pending.py),
    # here for longer than the code lives: the kept copy must neither hide a new link nor
    # show an expired one. Whole answers are off: a kept answer may show an expired link
    # for its own TTL, as it did before pending links were kept (docs/decisions.md).
    clock = FakeClock()
    async with start_gateway(clock, read_ttl=600, code_ttl=60, answer_ttl=0) as gateway:
        token = gateway.subscriber_token(OWNER)
        before = await gateway.query(MY_LINKS, token=token)
        assert before.data["me"]["linkedNumbers"] == []
        assert (await gateway.query(LINK, {"m": TARGET, "a": "Папа"}, token=token)).errors == []
        shown = await gateway.query(MY_LINKS, token=token)
        assert shown.data["me"]["linkedNumbers"] == [
            {"msisdn": TARGET, "alias": "Папа", "status": "PENDING"}
        ]
        clock.advance(59)
        assert (await gateway.query(MY_LINKS, token=token)).data == shown.data
        clock.advance(2)
        gone = await gateway.query(MY_LINKS, token=token)
        assert gone.data["me"]["linkedNumbers"] == []
