"""TMF hub subscriptions and the events billing, provisioning and loyalty deliver: signed,
in order per listener, never holding up (or failing) the request that caused them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

from backends.dataset import Subscriber
from backends.kit.signature import sign, verify
from tests.backends.conftest import HUB_SECRET
from tests.backends.listener import EventListener, Received, listening
from tests.backends.numbers import NumberPool
from tests.backends.simulators import Simulators

HUBS = {
    "billing": "/tmf-api/prepayBalanceManagement/v4/hub",
    "provisioning": "/tmf-api/productOrderingManagement/v4/hub",
    "loyalty": "/tmf-api/loyalty/v4/hub",
}
TRANSFERS = "/tmf-api/prepayBalanceManagement/v4/transferBalance"
ORDERS = "/tmf-api/productOrderingManagement/v4/productOrder"
MEMBERS = "/tmf-api/loyalty/v4/loyaltyProgramMember"
ACTIVATIONS = "/tmf-api/loyalty/v4/loyaltyProgramProduct"


@asynccontextmanager
async def subscribed(
    sim: Simulators, service: str, callback: str, query: str = ""
) -> AsyncIterator[dict[str, Any]]:
    subscription = await sim.post_created(
        service, HUBS[service], {"callback": callback, "query": query}
    )
    try:
        yield subscription
    finally:
        reply = await sim.delete(service, f"{HUBS[service]}/{subscription['id']}")
        assert reply.status == 204


def with_data(subscriber: Subscriber) -> bool:
    return any(
        q.characteristic.usage_type == "data" and not q.unlimited and q.remaining >= 1
        for q in subscriber.quotas
    )


def is_type(event_type: str) -> Callable[[Received], bool]:
    return lambda received: received.event_type == event_type


async def test_the_signature() -> None:
    body = b'{"eventType":"X"}'
    header = sign("secret", body)
    assert header.startswith("sha256=")
    assert len(header) == len("sha256=") + 64
    assert verify("secret", body, header)
    assert not verify("other", body, header)
    assert not verify("secret", body + b" ", header)
    assert not verify("secret", body, None)


async def test_a_transfer_is_announced_to_billing_listeners(
    sim: Simulators, numbers: NumberPool
) -> None:
    sender, receiver = numbers.msisdn(with_data), numbers.msisdn()
    async with listening(HUB_SECRET) as listener, subscribed(sim, "billing", listener.url) as hub:
        assert hub["callback"] == listener.url
        assert hub["query"] == ""
        done = await sim.post_created(
            "billing",
            TRANSFERS,
            {
                "usageType": "data",
                "logicalResource": [{"id": sender}],
                "receiverLogicalResource": {"id": receiver},
                "amount": {"amount": 1, "units": "GB"},
            },
        )
        created = await listener.wait_for(is_type("TransferBalanceCreateEvent"))
        changed = await listener.wait_for(is_type("BalanceChangeEvent"))
    for received in (created, changed):
        assert received.signed_correctly, received.signature
        assert set(received.body) == {"eventId", "eventTime", "eventType", "event"}
    assert created.event == {"transferBalance": done}
    change = changed.event["balanceChange"]
    assert [r["id"] for r in change["logicalResource"]] == [sender, receiver]
    assert change["cause"] == {"id": done["id"], "@referredType": "TransferBalance"}
    assert {b["logicalResource"][0]["id"] for b in change["bucket"]} == {sender, receiver}
    assert done["receiverBucket"]["id"] in {b["id"] for b in change["bucket"]}
    log = await sim.get_ok("billing", "/admin/events")
    delivered = [d for d in log if d["eventId"] == created.body["eventId"]]
    assert delivered[0]["status"] == "delivered"
    assert delivered[0]["callback"] == listener.url
    assert delivered[0]["subscriptionId"] == hub["id"]


async def test_an_order_reports_each_state(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn(lambda s: s.tariff_id == "T-UNLIM" and not s.services)
    async with (
        listening(HUB_SECRET) as listener,
        subscribed(sim, "provisioning", listener.url, "eventType=ProductOrderStateChangeEvent"),
    ):
        placed = await sim.post_created(
            "provisioning",
            ORDERS,
            {
                "relatedParty": [{"id": msisdn, "role": "customer"}],
                "productOrderItem": [
                    {
                        "id": "1",
                        "action": "add",
                        "product": {"productOffering": {"id": "SRV-GUDOK"}},
                    }
                ],
            },
        )
        await listener.wait_for(lambda r: r.event["productOrder"]["state"] == "completed")
    states = [r.event["productOrder"]["state"] for r in listener.received]
    assert states == ["inProgress", "completed"]  # the query left out the create event
    assert all(r.event_type == "ProductOrderStateChangeEvent" for r in listener.received)
    assert all(r.signed_correctly for r in listener.received)
    assert listener.received[-1].event["productOrder"] == placed


async def test_loyalty_announces_members_and_activations(
    sim: Simulators, numbers: NumberPool
) -> None:
    msisdn = numbers.non_member()
    async with listening(HUB_SECRET) as listener, subscribed(sim, "loyalty", listener.url):
        member = await sim.post_created(
            "loyalty",
            MEMBERS,
            {
                "relatedParty": [{"id": msisdn}],
                "characteristic": [{"name": "email", "value": "events@example.ru"}],
            },
        )
        activation = await sim.post_created(
            "loyalty",
            ACTIVATIONS,
            {"relatedParty": [{"id": msisdn}], "loyaltyProgramProductSpec": {"id": "PROMO-4"}},
        )
        joined = await listener.wait_for(is_type("LoyaltyProgramMemberCreateEvent"))
        activated = await listener.wait_for(is_type("LoyaltyProgramProductCreateEvent"))
    assert joined.event == {"loyaltyProgramMember": member}
    assert activated.event == {"loyaltyProgramProduct": activation}
    assert activated.signed_correctly


async def test_a_failing_listener_fails_nothing(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.non_member()
    answers = iter((500, 204))

    class Flaky(EventListener):
        async def handle(self, request: web.Request) -> web.Response:
            await super().handle(request)
            return web.Response(status=next(answers, 204))

    flaky = Flaky(HUB_SECRET)
    app = web.Application()
    app.router.add_post("/events", flaky.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        url = f"http://{host}:{port}/events"
        async with subscribed(sim, "loyalty", url):
            member = {
                "relatedParty": [{"id": msisdn}],
                "characteristic": [{"name": "email", "value": "flaky@example.ru"}],
            }
            assert (await sim.post("loyalty", MEMBERS, member)).status == 201
            activation = {
                "relatedParty": [{"id": msisdn}],
                "loyaltyProgramProductSpec": {"id": "PROMO-5"},
            }
            assert (await sim.post("loyalty", ACTIVATIONS, activation)).status == 201
            # One worker per listener: when the second event arrives, the first is logged.
            second: Received = await flaky.wait_for(is_type("LoyaltyProgramProductCreateEvent"))
    finally:
        await runner.cleanup()
    log = await sim.get_ok("loyalty", "/admin/events")
    first = next(d for d in log if d["eventId"] == flaky.received[0].body["eventId"])
    assert (first["status"], first["httpStatus"]) == ("failed", 500)
    assert second.signed_correctly


async def test_subscriptions_are_checked(sim: Simulators) -> None:
    hub = HUBS["billing"]
    for body in (
        {"callback": "ftp://example.ru/x"},
        {"callback": "not a url"},
        {},
        {"callback": "http://127.0.0.1:1/x", "query": "state=done"},
    ):
        reply = await sim.post("billing", hub, body)
        assert (reply.status, reply.body["code"]) == (400, "BAD_REQUEST"), body
    assert (await sim.delete("billing", f"{hub}/HUB-999")).status == 404
