"""How a plan serializes a leaf: the type's own `coerce_output_value`, except for
strawberry's enums, whose serializer searches the enum's values one by one for each
value written (a dashboard writes a thousand: a quota's kind and unit, a service's
status). Their members' names are looked up once per plan instead, and anything that is
not a member of the enum still goes through strawberry's serializer, so a wrong value
fails exactly as it does there."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from math import isfinite
from typing import Any

from graphql import GraphQLEnumType, GraphQLLeafType
from graphql.type.scalars import (
    serialize_boolean,
    serialize_float,
    serialize_id,
    serialize_int,
    serialize_string,
)

# Serializers that answer a value of exactly one class as it is: generated code
# (gateway/plan/codegen.py) passes such a value through without calling them. A subclass
# (a str enum, a bool for an Int) still goes through the serializer.
_PASSED: dict[Callable[[Any], Any], tuple[type, str]] = {
    serialize_string: (str, ""),
    serialize_id: (str, ""),
    serialize_boolean: (bool, ""),
    # graphql-core's Int is 32 bits: beyond, its serializer raises.
    serialize_int: (int, " and -2147483648 <= {v} <= 2147483647"),
    # A finite float is answered as it is (`float(value)` of a float); inf and NaN raise.
    serialize_float: (float, " and _isfinite({v})"),
}
# Names the conditions above use, for generated code's namespace.
CONDITION_NAMES: dict[str, Any] = {"_isfinite": isfinite}


def passed_as_is(coerce: Callable[[Any], Any] | None) -> tuple[type, str] | None:
    """The class a leaf's serializer answers as it is, and the rest of the condition
    (with `{v}` for the value); None when every value goes through the serializer."""
    return _PASSED.get(coerce) if coerce is not None else None


class EnumNames:
    """An enum leaf's serializer: its members' names looked up, anything else through
    strawberry's serializer. Generated code reads `members` and `names` to look a member
    up inline (gateway/plan/codegen.py)."""

    __slots__ = ("members", "names", "slow")

    def __init__(self, members: type[Enum], names: dict[int, str], slow: Callable[[Any], Any]):
        self.members = members
        # By the member's identity: an enum's hash is a Python call (`Enum.__hash__`), and
        # a value of the enum's own class is one of its members, which live as long as it.
        self.names = names
        self.slow = slow

    def __call__(self, value: Any) -> Any:
        if type(value) is self.members:
            name = self.names.get(id(value))
            if name is not None:
                return name
        return self.slow(value)


def coercer(type_: GraphQLLeafType) -> Callable[[Any], Any]:
    slow = type_.coerce_output_value
    members: type[Enum] | None = getattr(type_, "wrapped_cls", None)
    if not isinstance(type_, GraphQLEnumType) or not (
        isinstance(members, type) and issubclass(members, Enum)
    ):
        return slow
    # The name strawberry would answer for each member: the first whose value equals it.
    names: dict[int, str] = {}
    for member in members:
        for name, value in type_.values.items():
            if member.value == value.value:
                names[id(member)] = name
                break
    return EnumNames(members, names, slow)
