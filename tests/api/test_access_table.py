"""Every path of the schema that reads or changes a number, denied for a stranger's number
and for an unconfirmed link.

The table below must name every root field that takes a number: a new field fails
`test_the_table_covers_the_schema` until it is added here, with its denial checked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLType

from schema.build import build_schema
from tests.api.auth_queries import LINK
from tests.harness.gateway import GatewayClient

OWNER = "+79000000001"
STRANGER = "+79000000002"
PENDING = "+79000000040"  # asked for by OWNER, not confirmed

# Every root field taking a Msisdn, with an operation reaching `$m`'s data, or the reason
# it is not a read or change of that number's data.
GUARDED = {
    ("Query", "subscriber"): "query($m: Msisdn!) { subscriber(msisdn: $m) { msisdn } }",
    ("Query", "subscribers"): "query($m: Msisdn!) { subscribers(msisdns: [$m]) { msisdn } }",
    ("Mutation", "startSupportConversation"): (
        'mutation($m: Msisdn!) { startSupportConversation(msisdn: $m, text: "Здравствуйте") '
        "{ id } }"
    ),
    ("Query", "supportConversation"): (
        "query($m: Msisdn!) { supportConversation(msisdn: $m) { id } }"
    ),
    ("Query", "previewTariffChange"): (
        'query($m: Msisdn!) { previewTariffChange(msisdn: $m, tariffId: "T-TALK") '
        "{ changeFee { amount } } }"
    ),
    ("Mutation", "topUp"): (
        'mutation($m: Msisdn!) { topUp(msisdn: $m, amount: "100", '
        'paymentMethod: {cardToken: "tok_x"}, '
        'idempotencyKey: "access-table-1") { userErrors { code } } }'
    ),
    ("Mutation", "setAutopay"): (
        'mutation($m: Msisdn!) { setAutopay(msisdn: $m, amount: "100", '
        'paymentMethod: {cardToken: "tok_x"}, idempotencyKey: "access-table-2") '
        "{ userErrors { code } } }"
    ),
    ("Mutation", "cancelAutopay"): (
        'mutation($m: Msisdn!) { cancelAutopay(msisdn: $m, idempotencyKey: "access-table-3") '
        "{ userErrors { code } } }"
    ),
    ("Mutation", "orderStatement"): (
        'mutation($m: Msisdn!) { orderStatement(msisdn: $m, from: "2026-10-01", to: "2026-10-31", '
        'email: "a@example.ru", idempotencyKey: "access-table-4") { userErrors { code } } }'
    ),
    ("Mutation", "connectService"): (
        'mutation($m: Msisdn!) { connectService(msisdn: $m, serviceId: "SRV-VIDEO", '
        'idempotencyKey: "access-table-5") { userErrors { code } } }'
    ),
    ("Mutation", "disconnectService"): (
        'mutation($m: Msisdn!) { disconnectService(msisdn: $m, serviceId: "SRV-MUSIC", '
        'idempotencyKey: "access-table-6") { userErrors { code } } }'
    ),
    ("Mutation", "changeTariff"): (
        'mutation($m: Msisdn!) { changeTariff(msisdn: $m, tariffId: "T-TALK", '
        'idempotencyKey: "access-table-7") { userErrors { code } } }'
    ),
    ("Mutation", "configureTariff"): (
        "mutation($m: Msisdn!) { configureTariff(msisdn: $m, minutes: 200, gigabytes: 10, "
        'idempotencyKey: "access-table-8") { userErrors { code } } }'
    ),
    ("Mutation", "addPackage"): (
        'mutation($m: Msisdn!) { addPackage(msisdn: $m, packageId: "PKG-1GB", '
        'idempotencyKey: "access-table-9") { userErrors { code } } }'
    ),
    ("Mutation", "activateOffer"): (
        'mutation($m: Msisdn!) { activateOffer(msisdn: $m, offerId: "PROMO-1", '
        'email: "a@example.ru", idempotencyKey: "access-table-10") { userErrors { code } } }'
    ),
    ("Mutation", "shareData"): (
        'mutation($m: Msisdn!) { shareData(fromMsisdn: $m, toMsisdn: "+79000000001", '
        'gigabytes: 1, idempotencyKey: "access-table-11") { userErrors { code } } }'
    ),
}
NOT_DATA = {
    ("Mutation", "requestLoginCode"): "public: starts a login, answers alike for any number",
    ("Mutation", "logIn"): "public: the code proves the number",
    ("Mutation", "logInWithPassword"): "public: the password proves the number",
    ("Mutation", "requestPasswordCode"): "public: like requestLoginCode, alike for any number",
    ("Mutation", "resetPassword"): "public: the texted code proves the number",
    ("Mutation", "linkNumber"): "the caller's own account; the target confirms by code",
    ("Mutation", "confirmLinkedNumber"): "the caller's own account; the code proves the target",
    ("Mutation", "unlinkNumber"): "the caller's own account; only its own links",
    ("Query", "auditLog"): "supervisors only, a filter not a read: tests/api/test_audit_log.py",
    ("Subscription", "balanceChanged"): "live: denied per number in tests/live",
    ("Subscription", "orderUpdated"): "live: denied per number in tests/live",
}
# Every field of Subscriber (and what hangs off it) is checked once, where a Subscriber is
# made: these nested paths reach other numbers' Subscribers.
NESTED = {
    "LinkedNumber.subscriber (pending link)": (
        "{ me { linkedNumbers { msisdn subscriber { msisdn } } } }"
    ),
}


def _is_msisdn(kind: GraphQLType) -> bool:
    while isinstance(kind, (GraphQLNonNull, GraphQLList)):
        kind = kind.of_type
    return getattr(kind, "name", None) == "Msisdn"


def _root_fields_taking_numbers() -> Iterator[tuple[str, str]]:
    schema = build_schema()._schema
    roots: list[GraphQLObjectType | None] = [
        schema.query_type,
        schema.mutation_type,
        schema.subscription_type,
    ]
    for root in roots:
        if root is None:
            continue
        for name, field in root.fields.items():
            if any(_is_msisdn(arg.type) for arg in field.args.values()):
                yield root.name, name


def test_the_table_covers_the_schema() -> None:
    found = set(_root_fields_taking_numbers())
    assert found == set(GUARDED) | set(NOT_DATA)


@pytest.fixture
async def pending_link(gateway: GatewayClient) -> None:
    answer = await gateway.query(
        LINK, {"m": PENDING, "a": "pending"}, token=gateway.subscriber_token(OWNER)
    )
    assert answer.errors == []


@pytest.mark.parametrize("path", sorted(GUARDED), ids=lambda p: ".".join(p))
@pytest.mark.parametrize("target", [STRANGER, PENDING], ids=["stranger", "unconfirmed-link"])
async def test_denied(
    gateway: GatewayClient, pending_link: None, path: tuple[str, str], target: str
) -> None:
    answer = await gateway.query(
        GUARDED[path], {"m": target}, token=gateway.subscriber_token(OWNER)
    )
    assert "FORBIDDEN" in answer.codes
    assert target not in str(answer.data)


# Reads only: the actions' own tests run them on numbers of their own.
@pytest.mark.parametrize(
    "path", sorted(p for p in GUARDED if p[0] == "Query"), ids=lambda p: ".".join(p)
)
async def test_allowed_for_own_number(gateway: GatewayClient, path: tuple[str, str]) -> None:
    answer = await gateway.query(GUARDED[path], {"m": OWNER}, token=gateway.subscriber_token(OWNER))
    assert answer.errors == []
    assert path[1] in answer.data


async def test_a_pending_links_data_is_denied(gateway: GatewayClient, pending_link: None) -> None:
    answer = await gateway.query(
        NESTED["LinkedNumber.subscriber (pending link)"], token=gateway.subscriber_token(OWNER)
    )
    links = {n["msisdn"]: n["subscriber"] for n in answer.data["me"]["linkedNumbers"]}
    assert links[PENDING] is None
    assert links["+79000000005"] == {"msisdn": "+79000000005"}
    assert answer.codes == ["FORBIDDEN"]
