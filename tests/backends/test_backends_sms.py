"""The SMS gateway over HTTP: sending, listing and the demo inbox."""

from __future__ import annotations

from tests.backends.simulators import Simulators

MESSAGES = "/tmf-api/communicationManagement/v4/communicationMessage"


def sms(number: str, content: str) -> dict[str, object]:
    return {
        "type": "SMS",
        "content": content,
        "receiver": [{"phoneNumber": number}],
        "sender": {"name": "Tele2"},
    }


async def test_send_then_read_the_inbox_newest_first(sim: Simulators) -> None:
    number = "+79000000150"
    first = await sim.post("sms", MESSAGES, sms(number, "Код: 1234"))
    assert first.status == 201, first.body
    assert first.body["state"] == "completed"
    assert first.body["sendTime"].endswith("Z")
    assert first.body["receiver"] == [{"phoneNumber": number}]
    assert first.body["sender"] == {"name": "Tele2"}
    second = await sim.post("sms", MESSAGES, {**sms(number, "Код: 5678"), "messageType": "SMS"})
    assert second.status == 201
    inbox = await sim.get_ok("sms", "/admin/messages", msisdn=number)
    assert [m["content"] for m in inbox] == ["Код: 5678", "Код: 1234"]
    listed = await sim.get_ok("sms", MESSAGES, **{"receiver.phoneNumber": number})
    assert listed == inbox
    assert await sim.get_ok("sms", f"{MESSAGES}/{first.body['id']}") == first.body
    assert await sim.get_ok("sms", "/admin/messages", msisdn="+79000000151") == []


async def test_a_batch_of_receivers(sim: Simulators) -> None:
    for number in ("+79000000160", "+79000000161"):
        assert (await sim.post("sms", MESSAGES, sms(number, f"для {number}"))).status == 201
    listed = await sim.get_ok(
        "sms", MESSAGES, **{"receiver.phoneNumber": "+79000000160,+79000000161"}
    )
    assert {m["receiver"][0]["phoneNumber"] for m in listed} == {"+79000000160", "+79000000161"}


async def test_bad_messages_are_400(sim: Simulators) -> None:
    bad = [
        {"content": "x"},
        {"content": "x", "receiver": []},
        {"content": "", "receiver": [{"phoneNumber": "+79000000001"}]},
        {"content": "x", "receiver": [{"email": "a@b.c"}]},
        {**sms("+79000000001", "x"), "messageType": "email"},
    ]
    for body in bad:
        reply = await sim.post("sms", MESSAGES, body)
        assert reply.status == 400, body
        assert reply.body["@type"] == "Error"
    assert (await sim.get("sms", "/admin/messages")).status == 400
    assert (await sim.get("sms", f"{MESSAGES}/MSG-999999")).status == 404
