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
}
NOT_DATA = {
    ("Mutation", "requestLoginCode"): "public: starts a login, answers alike for any number",
    ("Mutation", "logIn"): "public: the code proves the number",
    ("Mutation", "logInWithPassword"): "public: the password proves the number",
    ("Mutation", "linkNumber"): "the caller's own account; the target confirms by code",
    ("Mutation", "confirmLinkedNumber"): "the caller's own account; the code proves the target",
    ("Mutation", "unlinkNumber"): "the caller's own account; only its own links",
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
    roots: list[GraphQLObjectType | None] = [schema.query_type, schema.mutation_type]
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


@pytest.mark.parametrize("path", sorted(GUARDED), ids=lambda p: ".".join(p))
async def test_allowed_for_own_number(gateway: GatewayClient, path: tuple[str, str]) -> None:
    answer = await gateway.query(GUARDED[path], {"m": OWNER}, token=gateway.subscriber_token(OWNER))
    assert answer.errors == []
    assert OWNER in str(answer.data)


async def test_a_pending_links_data_is_denied(gateway: GatewayClient, pending_link: None) -> None:
    answer = await gateway.query(
        NESTED["LinkedNumber.subscriber (pending link)"], token=gateway.subscriber_token(OWNER)
    )
    links = {n["msisdn"]: n["subscriber"] for n in answer.data["me"]["linkedNumbers"]}
    assert links[PENDING] is None
    assert links["+79000000005"] == {"msisdn": "+79000000005"}
    assert answer.codes == ["FORBIDDEN"]
