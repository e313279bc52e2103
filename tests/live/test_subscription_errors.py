"""A subscription outlives one failed event: the client gets that event as a masked error
with a stable code, then the next events as usual."""

from __future__ import annotations

import aiohttp

from backends.runner import BackendsThread
from tests.api.auth_queries import CONFIRM_LINK, LINK, UNLINK
from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.inbox import last_code
from tests.harness.live import live, post_event, until_following

BALANCE_CHANGED = """subscription($m: Msisdn!) { balanceChanged(msisdn: $m) {
  money { amount } } }"""


async def _balance_event(gateway: object, number: str) -> None:
    await post_event(
        gateway,  # type: ignore[arg-type]
        "billing",
        "BalanceChangeEvent",
        {"balanceChange": {"logicalResource": [{"id": number}]}},
    )


async def test_a_failed_event_is_an_error_and_the_subscription_goes_on(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    number = "+79000000231"
    async with start_gateway() as gateway:
        token = gateway.subscriber_token(number)
        async with live(gateway, token) as client:
            assert (await client.receive())["type"] == "connection_ack"
            sub = await client.subscribe(BALANCE_CHANGED, {"m": number})
            await until_following(gateway, f"balance:{number}")

            await admins["billing"].faults(error_rate=1.0)
            await _balance_event(gateway, number)
            failed = await client.receive(within=5)
            await admins["billing"].clear_faults()
            await _balance_event(gateway, number)
            fine = await client.receive(within=5)
            assert gateway.runtime.ports.events.following(f"balance:{number}") == 1

    assert (failed["type"], failed["id"]) == ("next", sub)
    errors = failed["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["BACKEND_ERROR"]
    assert errors[0]["extensions"]["backend"] == "billing"
    assert "tmf-api" not in repr(failed["payload"]), "no backend route reaches a client"
    assert "HTTP 500" not in errors[0]["message"]
    assert (fine["type"], fine["id"]) == ("next", sub)
    assert fine["payload"]["data"]["balanceChanged"]["money"]["amount"]


async def test_a_subscription_ends_with_forbidden_once_access_is_gone(
    start_gateway: GatewayFactory,
    admins: dict[str, BackendAdmin],
    http: aiohttp.ClientSession,
    backends: BackendsThread,
) -> None:
    # A link of the test's own (the data set's links stay as other tests expect them).
    owner, linked = "+79000000234", "+79000000235"
    async with start_gateway() as gateway:
        token = gateway.subscriber_token(owner)
        assert (await gateway.query(LINK, {"m": linked, "a": "test"}, token=token)).errors == []
        code = await last_code(http, backends.sms_url, linked)
        confirmed = await gateway.query(CONFIRM_LINK, {"m": linked, "c": code}, token=token)
        assert confirmed.errors == []
        async with live(gateway, token) as client:
            assert (await client.receive())["type"] == "connection_ack"
            sub = await client.subscribe(BALANCE_CHANGED, {"m": linked})
            await until_following(gateway, f"balance:{linked}")
            await _balance_event(gateway, linked)
            allowed = await client.receive(within=5)
            unlinked = await gateway.query(UNLINK, {"m": linked}, token=token)
            assert unlinked.errors == []
            await _balance_event(gateway, linked)
            refused = await client.receive(within=5)
            ended = await client.receive(within=5)
    assert (allowed["type"], allowed["id"]) == ("next", sub)
    assert allowed["payload"]["data"]["balanceChanged"]["money"]["amount"]
    assert (refused["type"], refused["id"]) == ("next", sub)
    assert [e["extensions"]["code"] for e in refused["payload"]["errors"]] == ["FORBIDDEN"]
    assert (ended["type"], ended["id"]) == ("complete", sub)
