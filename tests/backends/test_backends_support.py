"""The support system over HTTP: conversations (TMF683 party interactions) and their
messages, escalation to trouble tickets (TMF621), idempotency, filters, events, the
seeded conversations, its OpenAPI document and its command line."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiohttp import web

from backends.config import ServiceConfig
from backends.dataset import build_world
from backends.support.app import create_app
from tests.backends.conftest import HUB_SECRET
from tests.backends.listener import Received, listening
from tests.backends.numbers import NumberPool
from tests.backends.simulators import Reply, Simulators
from tests.harness.network import free_port

SUPPORT = "support"
CONVERSATIONS = "/tmf-api/partyInteraction/v4/partyInteraction"
TICKETS = "/tmf-api/troubleTicket/v4/troubleTicket"
HUB = "/tmf-api/partyInteraction/v4/hub"
DEMO = "+79000000001"
METHODS = {"get", "put", "post", "delete", "patch"}


def opening(msisdn: str, reason: str = "Вопрос", **extra: Any) -> dict[str, Any]:
    return {"relatedParty": [{"id": msisdn, "role": "customer"}], "reason": reason, **extra}


def message(author: str, text: str) -> dict[str, Any]:
    return {"author": author, "text": text, "@type": "Note"}


def escalation(msisdn: str, conversation_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "relatedParty": [{"id": msisdn, "role": "customer"}],
        "relatedEntity": [
            {"id": conversation_id, "role": "conversation", "@referredType": "PartyInteraction"}
        ],
        "description": "Абонент недоволен ответом",
        **extra,
    }


def party(msisdn: str) -> dict[str, str]:
    return {"relatedParty.id": msisdn}


async def open_conversation(sim: Simulators, msisdn: str, **extra: Any) -> dict[str, Any]:
    created: dict[str, Any] = await sim.post_created(
        SUPPORT, CONVERSATIONS, opening(msisdn, **extra)
    )
    return created


async def write(sim: Simulators, conversation_id: str, author: str, text: str) -> Reply:
    return await sim.post(SUPPORT, f"{CONVERSATIONS}/{conversation_id}/note", message(author, text))


def is_error(reply: Reply, status: int, code: str) -> bool:
    return (reply.status, reply.body["code"]) == (status, code) and reply.body["@type"] == "Error"


# conversations


async def test_a_conversation_from_first_message_to_close(
    sim: Simulators, numbers: NumberPool
) -> None:
    msisdn = numbers.msisdn()
    created = await sim.post(
        SUPPORT,
        CONVERSATIONS,
        opening(msisdn, "Не работает интернет", note=[{"text": "Здравствуйте, нет интернета"}]),
    )
    assert created.status == 201, created.body
    conversation = created.body
    assert conversation["id"].startswith("PI-")
    assert created.headers["Location"] == f"{CONVERSATIONS}/{conversation['id']}"
    assert conversation["href"] == created.headers["Location"]
    assert conversation["@type"] == "PartyInteraction"
    assert (conversation["status"], conversation["direction"]) == ("open", "inbound")
    assert conversation["reason"] == "Не работает интернет"
    assert conversation["interactionDate"]["startDateTime"].endswith("Z")
    assert "endDateTime" not in conversation["interactionDate"]
    assert conversation["relatedParty"] == [
        {"id": msisdn, "role": "customer", "@referredType": "Individual"}
    ]
    (first,) = conversation["note"]
    assert (first["author"], first["text"], first["@type"]) == (
        msisdn,
        "Здравствуйте, нет интернета",
        "Note",
    )

    agent = await write(sim, conversation["id"], "agent:Ольга", "Перезагрузите телефон")
    assert agent.status == 201, agent.body
    assert agent.body["author"] == "agent:Ольга"
    assert agent.body["date"].endswith("Z")
    reply = await write(sim, conversation["id"], msisdn, "Помогло, спасибо")
    assert reply.status == 201
    fetched = await sim.get_ok(SUPPORT, f"{CONVERSATIONS}/{conversation['id']}")
    assert [n["text"] for n in fetched["note"]] == [
        "Здравствуйте, нет интернета",
        "Перезагрузите телефон",
        "Помогло, спасибо",
    ]
    assert len({n["id"] for n in fetched["note"]}) == 3
    assert await sim.get_ok(SUPPORT, CONVERSATIONS, status="open", **party(msisdn)) == [fetched]

    closed = await sim.patch(SUPPORT, f"{CONVERSATIONS}/{conversation['id']}", {"status": "closed"})
    assert closed.status == 200, closed.body
    assert closed.body["status"] == "closed"
    assert closed.body["interactionDate"]["endDateTime"] == closed.body["statusChangeDate"]
    again = await sim.patch(SUPPORT, f"{CONVERSATIONS}/{conversation['id']}", {"status": "closed"})
    assert again.body == closed.body  # closing twice changes nothing
    late = await write(sim, conversation["id"], msisdn, "И ещё вопрос")
    assert is_error(late, 409, "CONVERSATION_CLOSED")
    assert await sim.get_ok(SUPPORT, CONVERSATIONS, status="open", **party(msisdn)) == []
    assert await sim.get_ok(SUPPORT, CONVERSATIONS, status="closed", **party(msisdn)) == [
        closed.body
    ]


async def test_one_open_conversation_per_number(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn()
    first = await open_conversation(sim, msisdn)
    assert first["note"] == []
    second = await sim.post(SUPPORT, CONVERSATIONS, opening(msisdn, "Другой вопрос"))
    assert is_error(second, 409, "ALREADY_OPEN")
    assert first["id"] in second.body["message"]
    assert second.headers["Location"] == first["href"]
    await sim.patch(SUPPORT, f"{CONVERSATIONS}/{first['id']}", {"status": "closed"})
    third = await open_conversation(sim, msisdn, reason="Другой вопрос")
    assert third["id"] != first["id"]
    listed = await sim.get_ok(SUPPORT, CONVERSATIONS, **party(msisdn))
    assert [c["id"] for c in listed] == [third["id"], first["id"]]  # newest activity first


async def test_an_agent_may_start_a_conversation(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn()
    started = await open_conversation(
        sim, msisdn, note=[{"author": "agent:Дмитрий", "text": "Подключить вам роуминг?"}]
    )
    assert started["direction"] == "outbound"
    assert started["note"][0]["author"] == "agent:Дмитрий"


async def test_the_agents_queue_lists_every_open_conversation_newest_activity_first(
    sim: Simulators, numbers: NumberPool
) -> None:
    older = await open_conversation(sim, numbers.msisdn())
    newer = await open_conversation(sim, numbers.msisdn())
    closed = await open_conversation(sim, numbers.msisdn())
    await sim.patch(SUPPORT, f"{CONVERSATIONS}/{closed['id']}", {"status": "closed"})
    queue = await sim.get_ok(SUPPORT, CONVERSATIONS, status="open")
    ids = [c["id"] for c in queue]
    assert ids[:2] == [newer["id"], older["id"]]
    assert closed["id"] not in ids
    assert {"PI-2", "PI-3", "PI-4"} <= set(ids)
    assert all(c["status"] == "open" for c in queue)
    # A new message moves a conversation to the top.
    assert (await write(sim, older["id"], "agent:Ольга", "Смотрю")).status == 201
    queue = await sim.get_ok(SUPPORT, CONVERSATIONS, status="open")
    assert [c["id"] for c in queue[:2]] == [older["id"], newer["id"]]


async def test_only_the_newer_notes(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn()
    conversation = await open_conversation(sim, msisdn, note=[{"text": "Первое"}])
    path = f"{CONVERSATIONS}/{conversation['id']}"
    note = (await write(sim, conversation["id"], "agent:Ольга", "Второе")).body
    since = await sim.get_ok(SUPPORT, path, **{"note.since": note["date"]})
    # Inclusive, as timestamps have whole seconds: the client drops the ids it has seen.
    assert note["id"] in {n["id"] for n in since["note"]}
    assert (await sim.get_ok(SUPPORT, path, **{"note.since": "2999-01-01T00:00:00Z"}))["note"] == []
    everything = await sim.get_ok(SUPPORT, path, **{"note.since": "2000-01-01"})
    assert [n["text"] for n in everything["note"]] == ["Первое", "Второе"]
    for bad in ({"note.since": "yesterday"}, {"since": "2000-01-01"}):
        assert is_error(await sim.get(SUPPORT, path, **bad), 400, "BAD_REQUEST"), bad


# tickets


async def test_escalating_a_conversation(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn()
    conversation = await open_conversation(
        sim, msisdn, reason="Двойное списание", note=[{"text": "Списали дважды"}]
    )
    created = await sim.post(SUPPORT, TICKETS, escalation(msisdn, conversation["id"]))
    assert created.status == 201, created.body
    ticket = created.body
    assert ticket["id"].startswith("TT-")
    assert created.headers["Location"] == ticket["href"] == f"{TICKETS}/{ticket['id']}"
    assert ticket["@type"] == "TroubleTicket"
    assert (ticket["status"], ticket["severity"], ticket["ticketType"]) == (
        "acknowledged",
        "Minor",
        "complaint",
    )
    assert ticket["name"] == "Двойное списание"  # the conversation's reason by default
    assert ticket["description"] == "Абонент недоволен ответом"
    assert ticket["creationDate"] == ticket["statusChangeDate"]
    assert ticket["relatedParty"][0]["id"] == msisdn
    assert ticket["relatedEntity"] == [
        {
            "id": conversation["id"],
            "href": conversation["href"],
            "role": "conversation",
            "@referredType": "PartyInteraction",
        }
    ]
    now = await sim.get_ok(SUPPORT, conversation["href"])
    system = now["note"][-1]
    assert system["author"] == "system"
    assert ticket["id"] in system["text"]
    assert now["interactionItem"][0]["item"]["id"] == ticket["id"]
    assert await sim.get_ok(SUPPORT, TICKETS, **party(msisdn)) == [ticket]
    assert await sim.get_ok(SUPPORT, ticket["href"]) == ticket

    twice = await sim.post(SUPPORT, TICKETS, escalation(msisdn, conversation["id"]))
    assert is_error(twice, 409, "ALREADY_ESCALATED")
    assert twice.headers["Location"] == ticket["href"]
    other = await sim.post(SUPPORT, TICKETS, escalation(DEMO, conversation["id"]))
    assert is_error(other, 422, "PARTY_MISMATCH")
    missing = await sim.post(SUPPORT, TICKETS, escalation(msisdn, "PI-999999"))
    assert is_error(missing, 404, "UNKNOWN_CONVERSATION")


async def test_a_ticket_takes_severity_name_and_type(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn()
    conversation = await open_conversation(sim, msisdn)
    ticket = await sim.post_created(
        SUPPORT,
        TICKETS,
        escalation(
            msisdn, conversation["id"], severity="Critical", name="Нет связи", ticketType="outage"
        ),
    )
    assert (ticket["severity"], ticket["name"], ticket["ticketType"]) == (
        "Critical",
        "Нет связи",
        "outage",
    )
    listed = await sim.get_ok(
        SUPPORT, TICKETS, severity="Critical", **{"relatedEntity.id": conversation["id"]}
    )
    assert listed == [ticket]


async def test_a_closed_conversation_is_not_escalated(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn()
    conversation = await open_conversation(sim, msisdn)
    await sim.patch(SUPPORT, conversation["href"], {"status": "closed"})
    refused = await sim.post(SUPPORT, TICKETS, escalation(msisdn, conversation["id"]))
    assert is_error(refused, 409, "CONVERSATION_CLOSED")
    assert await sim.get_ok(SUPPORT, TICKETS, **party(msisdn)) == []


# idempotency


async def test_retried_posts_act_once(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn()
    body = opening(msisdn, note=[{"text": "Раз"}])
    first = await sim.post(SUPPORT, CONVERSATIONS, body, key="support-open-1")
    replay = await sim.post(SUPPORT, CONVERSATIONS, body, key="support-open-1")
    assert (first.status, replay.status) == (201, 201)
    assert replay.body == first.body
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.headers["Location"] == first.headers["Location"]
    reused = await sim.post(SUPPORT, CONVERSATIONS, opening(msisdn, "Другое"), key="support-open-1")
    assert is_error(reused, 409, "IDEMPOTENCY_KEY_REUSED")
    conversation_id = first.body["id"]

    note_path = f"{CONVERSATIONS}/{conversation_id}/note"
    sent = [
        await sim.post(SUPPORT, note_path, message(msisdn, "Два"), key="support-note-1")
        for _ in range(2)
    ]
    assert sent[0].body == sent[1].body
    ticket_body = escalation(msisdn, conversation_id)
    tickets = [
        await sim.post(SUPPORT, TICKETS, ticket_body, key="support-ticket-1") for _ in range(2)
    ]
    assert [t.status for t in tickets] == [201, 201]
    assert tickets[0].body == tickets[1].body

    stored = await sim.get_ok(SUPPORT, f"{CONVERSATIONS}/{conversation_id}")
    assert [n["author"] for n in stored["note"]] == [msisdn, msisdn, "system"]
    assert len(await sim.get_ok(SUPPORT, CONVERSATIONS, **party(msisdn))) == 1
    assert len(await sim.get_ok(SUPPORT, TICKETS, **party(msisdn))) == 1


# filters, 400s and 404s


async def test_batch_filters_and_paging(sim: Simulators) -> None:
    both = await sim.get(SUPPORT, CONVERSATIONS, **party("+79000000003,+79000000004"))
    assert both.status == 200
    assert [c["relatedParty"][0]["id"] for c in both.body] == ["+79000000004", "+79000000003"]
    assert both.headers["X-Total-Count"] == "2"
    # A plus sent unencoded arrives as a space.
    spaced = await sim.get_ok(SUPPORT, CONVERSATIONS, **party(" 79000000003"))
    assert [c["id"] for c in spaced] == ["PI-3"]
    paged = await sim.get(SUPPORT, CONVERSATIONS, limit="1", **party("+79000000003,+79000000004"))
    assert (paged.headers["X-Total-Count"], paged.headers["X-Result-Count"]) == ("2", "1")
    assert await sim.get_ok(SUPPORT, CONVERSATIONS, id="PI-1,PI-3") == [
        await sim.get_ok(SUPPORT, f"{CONVERSATIONS}/PI-3"),
        await sim.get_ok(SUPPORT, f"{CONVERSATIONS}/PI-1"),
    ]
    assert await sim.get_ok(SUPPORT, CONVERSATIONS, **party(DEMO)) == []
    assert await sim.get_ok(SUPPORT, TICKETS, **party("+79000000002,+79990000000")) == [
        await sim.get_ok(SUPPORT, f"{TICKETS}/TT-1")
    ]
    for path, params in (
        (CONVERSATIONS, {"msisdn": DEMO}),
        (CONVERSATIONS, {"relatedParty.id": ""}),
        (TICKETS, {"conversation": "PI-1"}),
        (CONVERSATIONS, {"limit": "-1"}),
    ):
        assert is_error(await sim.get(SUPPORT, path, **params), 400, "BAD_REQUEST"), params


async def test_bad_conversations_and_notes(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn()
    for body, status, code in (
        ({"reason": "x"}, 400, "BAD_REQUEST"),
        (opening(msisdn, ""), 400, "BAD_REQUEST"),
        (opening(msisdn, "   "), 400, "BAD_REQUEST"),
        (opening(msisdn, "x" * 201), 400, "BAD_REQUEST"),
        (
            {**opening(msisdn), "relatedParty": [{"id": msisdn, "role": "agent"}]},
            400,
            "BAD_REQUEST",
        ),
        (opening(msisdn, note=[{"text": "a"}, {"text": "b"}]), 400, "BAD_REQUEST"),
        (opening(msisdn, note=[{"author": "system", "text": "a"}]), 400, "INVALID_AUTHOR"),
        (opening(msisdn, note=[{"author": DEMO, "text": "a"}]), 400, "INVALID_AUTHOR"),
        (opening("+79990000000"), 422, "UNKNOWN_NUMBER"),
    ):
        assert is_error(await sim.post(SUPPORT, CONVERSATIONS, body), status, code), body
    assert await sim.get_ok(SUPPORT, CONVERSATIONS, **party(msisdn)) == []

    conversation = await open_conversation(sim, msisdn)
    for author, text, code in (
        ("system", "Я система", "INVALID_AUTHOR"),
        (DEMO, "Чужой чат", "INVALID_AUTHOR"),
        ("agent:", "Без имени", "INVALID_AUTHOR"),
        ("Ольга", "Без префикса", "INVALID_AUTHOR"),
        (msisdn, "", "BAD_REQUEST"),
        (msisdn, "x" * 4001, "BAD_REQUEST"),
    ):
        reply = await write(sim, conversation["id"], author, text)
        assert is_error(reply, 400, code), (author, text)
    no_author = await sim.post(SUPPORT, f"{conversation['href']}/note", {"text": "кто я?"})
    assert is_error(no_author, 400, "BAD_REQUEST")
    for change in ({"status": "open"}, {"status": "closed", "reason": "x"}, {"reason": "x"}):
        reply = await sim.patch(SUPPORT, conversation["href"], change)
        assert is_error(reply, 400, "BAD_REQUEST"), change
    assert (await sim.get_ok(SUPPORT, conversation["href"]))["note"] == []


async def test_bad_tickets(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn()
    conversation = await open_conversation(sim, msisdn)
    good = escalation(msisdn, conversation["id"])
    for body in (
        {**good, "severity": "Blocker"},
        {**good, "description": ""},
        {key: value for key, value in good.items() if key != "relatedEntity"},
        {**good, "relatedEntity": [{"id": conversation["id"], "@referredType": "Product"}]},
        {**good, "relatedEntity": [{"id": conversation["id"], "role": "cause"}]},
        {**good, "relatedParty": []},
    ):
        assert is_error(await sim.post(SUPPORT, TICKETS, body), 400, "BAD_REQUEST"), body
    assert await sim.get_ok(SUPPORT, TICKETS, **party(msisdn)) == []


async def test_unknown_ids_are_404(sim: Simulators) -> None:
    path = f"{CONVERSATIONS}/PI-999999"
    for reply in (
        await sim.get(SUPPORT, path),
        await sim.patch(SUPPORT, path, {"status": "closed"}),
        await write(sim, "PI-999999", DEMO, "Есть кто?"),
        await sim.get(SUPPORT, f"{TICKETS}/TT-999999"),
        await sim.get(SUPPORT, "/tmf-api/partyInteraction/v4/nothing"),
    ):
        assert is_error(reply, 404, "NOT_FOUND"), reply.body


# the seeded conversations


async def test_the_seeded_conversations(sim: Simulators) -> None:
    seeded = await sim.get_ok(SUPPORT, CONVERSATIONS, id="PI-1,PI-2,PI-3,PI-4")
    assert [(c["id"], c["relatedParty"][0]["id"], c["status"]) for c in seeded] == [
        ("PI-4", "+79000000004", "open"),
        ("PI-3", "+79000000003", "open"),
        ("PI-2", "+79000000002", "open"),
        ("PI-1", "+79000000007", "closed"),
    ]
    negative = seeded[1]
    assert negative["reason"] == "Отрицательный баланс"
    assert [n["author"] for n in negative["note"]] == [
        "+79000000003",
        "agent:Ольга",
        "+79000000003",
    ]
    assert "минус 150" in negative["note"][0]["text"]
    dates = [n["date"] for n in negative["note"]]
    assert dates == sorted(dates)
    escalated = seeded[2]
    assert [n["author"] for n in escalated["note"]][-1] == "system"
    ticket = await sim.get_ok(SUPPORT, f"{TICKETS}/TT-1")
    assert (ticket["status"], ticket["severity"]) == ("acknowledged", "Major")
    assert ticket["relatedEntity"][0]["id"] == "PI-2"
    assert "TT-1" in escalated["note"][-1]["text"]
    assert "endDateTime" in seeded[3]["interactionDate"]
    assert await sim.get_ok(SUPPORT, CONVERSATIONS, **party(DEMO)) == []
    assert await sim.get_ok(SUPPORT, TICKETS, **party(DEMO)) == []


async def test_the_seed_is_the_same_for_any_world() -> None:
    answers = []
    for size, seed in ((9, 1), (300, 42)):
        app = create_app(ServiceConfig(size=size, seed=seed, world=build_world(size, seed)))
        async with served(app) as base:
            answers.append([await fetch(base, path) for path in (CONVERSATIONS, TICKETS)])
    assert answers[0] == answers[1]
    assert [len(body) for _, body in answers[0]] == [4, 1]


# events


def is_type(event_type: str) -> Callable[[Received], bool]:
    return lambda received: received.event_type == event_type


def note_event(where: Callable[[dict[str, Any]], bool]) -> Callable[[Received], bool]:
    """A note event whose (only) note matches ``where``."""

    def matches(received: Received) -> bool:
        if received.event_type != "PartyInteractionAttributeValueChangeEvent":
            return False
        (note,) = received.event["partyInteraction"]["note"]
        return where(note)

    return matches


async def test_events_are_signed_and_carry_the_note(sim: Simulators, numbers: NumberPool) -> None:
    msisdn = numbers.msisdn()
    async with listening(HUB_SECRET) as listener:
        hub = await sim.post_created(SUPPORT, HUB, {"callback": listener.url})
        try:
            conversation = await open_conversation(sim, msisdn, note=[{"text": "Алло"}])
            created = await listener.wait_for(is_type("PartyInteractionCreateEvent"))
            first = await listener.wait_for(note_event(lambda n: n["text"] == "Алло"))
            note = (await write(sim, conversation["id"], "agent:Ольга", "Слушаю")).body
            agent = await listener.wait_for(note_event(lambda n: n["text"] == "Слушаю"))
            ticket = await sim.post_created(
                SUPPORT, TICKETS, escalation(msisdn, conversation["id"])
            )
            opened = await listener.wait_for(is_type("TroubleTicketCreateEvent"))
            system = await listener.wait_for(note_event(lambda n: n["author"] == "system"))
            await sim.patch(SUPPORT, conversation["href"], {"status": "closed"})
            closed = await listener.wait_for(is_type("PartyInteractionStatusChangeEvent"))
        finally:
            assert (await sim.delete(SUPPORT, f"{HUB}/{hub['id']}")).status == 204
    for received in (created, first, agent, opened, system, closed):
        assert received.signed_correctly, received.signature
        assert set(received.body) == {"eventId", "eventTime", "eventType", "event"}
    assert created.event["partyInteraction"]["id"] == conversation["id"]
    assert agent.event == {
        "partyInteraction": {
            "id": conversation["id"],
            "href": conversation["href"],
            "@type": "PartyInteraction",
            "status": "open",
            "relatedParty": conversation["relatedParty"],
            "note": [note],
        }
    }
    assert opened.event == {"troubleTicket": ticket}
    assert ticket["id"] in system.event["partyInteraction"]["note"][0]["text"]
    assert closed.event["partyInteraction"]["status"] == "closed"
    # One worker per listener keeps the events in the order they happened.
    order = [r.body["eventId"] for r in listener.received]
    assert order.index(created.body["eventId"]) < order.index(first.body["eventId"])
    assert order.index(opened.body["eventId"]) < order.index(system.body["eventId"])


# operations: openapi, counters, faults, the command line


def routes_of(app: web.Application) -> set[tuple[str, str]]:
    return {
        (route.method.lower(), route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None and route.method.lower() in METHODS
    }


async def test_openapi_lists_every_path(sim: Simulators) -> None:
    document = await sim.get_ok(SUPPORT, "/openapi.json")
    assert document["openapi"].startswith("3.0.")
    app = create_app(ServiceConfig(size=20, seed=42, world=build_world(20, 42)))
    documented = {
        (method, path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in METHODS
    }
    assert routes_of(app) <= documented
    assert {(m, p) for m, p in documented if not p.startswith("/admin/")} <= routes_of(app)
    for path in (
        CONVERSATIONS,
        f"{CONVERSATIONS}/{{id}}",
        f"{CONVERSATIONS}/{{id}}/note",
        TICKETS,
        f"{TICKETS}/{{id}}",
        HUB,
    ):
        assert path in document["paths"], path
    schemas = document["components"]["schemas"]
    for target in refs(document):
        assert target.removeprefix("#/components/schemas/") in schemas, target
    filters = {p["name"] for p in document["paths"][CONVERSATIONS]["get"]["parameters"]}
    assert {"relatedParty.id", "status"} <= filters


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [
            found
            for key, value in node.items()
            for found in ([value] if key == "$ref" else refs(value))
        ]
    if isinstance(node, list):
        return [found for item in node for found in refs(item)]
    return []


async def test_requests_are_counted_and_faults_apply(sim: Simulators) -> None:
    assert (await sim.request("DELETE", SUPPORT, "/admin/requests")).status == 204
    await sim.get_ok(SUPPORT, CONVERSATIONS, **party(DEMO))
    await sim.get(SUPPORT, f"{CONVERSATIONS}/PI-3")
    await write(sim, "PI-999999", DEMO, "x")
    assert await sim.get_ok(SUPPORT, "/admin/requests") == {
        f"GET {CONVERSATIONS}": 1,
        f"GET {CONVERSATIONS}/{{id}}": 1,
        f"POST {CONVERSATIONS}/{{id}}/note": 1,
    }
    try:
        assert (await sim.set_faults(SUPPORT, error_rate=1)).status == 200
        failed = await sim.get(SUPPORT, CONVERSATIONS)
        assert is_error(failed, 500, "INJECTED_FAULT")
        assert await sim.get_ok(SUPPORT, "/admin/health") == {"status": "ok"}
    finally:
        assert (await sim.set_faults(SUPPORT, error_rate=0)).status == 200


async def fetch(base: str, path: str) -> tuple[int, Any]:
    """GET ``path`` from a service of the test's own: (status, JSON body)."""
    async with aiohttp.ClientSession() as session, session.get(f"{base}{path}") as response:
        return response.status, await response.json()


@asynccontextmanager
async def served(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


async def test_the_command_line_serves_it() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "backends.support",
        "--port",
        str(port),
        "--size",
        "20",
        "--hub-secret",
        "cli-secret",
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stderr is not None
        # The service logs its address once it is listening: that is the signal to go.
        while b"Running on" not in await asyncio.wait_for(process.stderr.readline(), 10):
            pass
        status, body = await fetch(f"http://127.0.0.1:{port}", f"{CONVERSATIONS}/PI-3")
        assert status == 200
        assert body["relatedParty"][0]["id"] == "+79000000003"
    finally:
        process.terminate()
        await process.wait()
