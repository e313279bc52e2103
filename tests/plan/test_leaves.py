"""A plan's enum serializer answers what strawberry's does, for every enum of the schema."""

from __future__ import annotations

import enum

import pytest
from graphql import GraphQLEnumType, GraphQLString

from gateway.plan.leaves import coercer
from schema.build import build_schema

ENUMS = [
    type_
    for type_ in build_schema()._schema.type_map.values()
    if isinstance(type_, GraphQLEnumType) and hasattr(type_, "wrapped_cls")
]


class _Other(enum.Enum):
    X = "ACTIVE"


def _outcome(serialize: object, value: object) -> tuple[str, object]:
    try:
        return "answer", serialize(value)  # type: ignore[operator]
    except Exception as error:  # the same failure, whatever it is
        return type(error).__name__, str(error)


def test_the_schema_has_enums() -> None:
    assert len(ENUMS) >= 5


@pytest.mark.parametrize("type_", ENUMS, ids=lambda t: t.name)
def test_every_member_and_a_stranger_serialize_as_strawberry_says(
    type_: GraphQLEnumType,
) -> None:
    fast = coercer(type_)
    assert fast is not type_.coerce_output_value, "enums get their own serializer"
    members = list(type_.wrapped_cls)  # type: ignore[attr-defined]
    strangers = [m.value for m in members] + ["NOT_A_VALUE", None, 3, _Other.X]
    for value in members + strangers:
        assert _outcome(fast, value) == _outcome(type_.coerce_output_value, value), value


def test_other_leaves_keep_their_own_serializer() -> None:
    assert coercer(GraphQLString) == GraphQLString.coerce_output_value
