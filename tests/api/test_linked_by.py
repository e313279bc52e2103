"""Who links to a number (`linkedBy`): the owners of confirmed links that manage it, for
agents; FORBIDDEN to subscribers, even on their own number. Numbers +79000000346..348 are
this file's."""

from __future__ import annotations

from tests.harness.gateway import GatewayClient

LINKED_BY = """query($m: Msisdn!) { subscriber(msisdn: $m) { msisdn
  linkedBy { owner alias } } }"""


async def test_an_agent_sees_who_links_to_a_number(gateway: GatewayClient) -> None:
    first, second, linked = "+79000000346", "+79000000347", "+79000000348"
    provisioning = gateway.runtime.ports.provisioning
    await provisioning.create_link(first, linked, "Мама")
    await provisioning.create_link(second, linked, None)
    agent = gateway.agent_token("olga")
    answer = await gateway.query(LINKED_BY, {"m": "8 900 000-03-48"}, token=agent)
    assert answer.errors == []
    owners = answer.data["subscriber"]["linkedBy"]
    assert sorted(owners, key=lambda o: o["owner"]) == [
        {"owner": first, "alias": "Мама"},
        {"owner": second, "alias": None},
    ]
    nobody = await gateway.query(LINKED_BY, {"m": first}, token=agent)
    assert nobody.data["subscriber"]["linkedBy"] == []


async def test_a_subscriber_cannot_ask_who_links_to_a_number(gateway: GatewayClient) -> None:
    linked = "+79000000348"
    own = await gateway.query(LINKED_BY, {"m": linked}, token=gateway.subscriber_token(linked))
    assert [e["extensions"]["code"] for e in own.errors] == ["FORBIDDEN"]
    assert own.errors[0]["path"] == ["subscriber", "linkedBy"]
    assert own.data["subscriber"] == {"msisdn": linked, "linkedBy": None}
