"""What a compiled plan is made of: per selected field, how its value is read and how it is
completed (non-null, list, leaf serializer, object with its own compiled fields).

Built once per document by gateway/plan/compiler.py, walked per request by
gateway/plan/runner.py; nothing here changes after compiling."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLOutputType,
    OperationDefinitionNode,
)

from gateway.plan.reads import DirectCall

# Completion kinds, compared by identity in the runner's hot loop.
NON_NULL = 0
LIST = 1
LEAF = 2
OBJECT = 3


@dataclass(slots=True, eq=False)
class Completion:
    """How a resolved value becomes its answer, decided ahead from the field's type."""

    kind: int
    type: GraphQLOutputType
    # NON_NULL and LIST: the wrapped type's completion.
    inner: Completion | None = None
    # LEAF: the scalar's or enum's output coercion.
    coerce: Callable[[Any], Any] | None = None
    # OBJECT: the fields selected on it, fragments already flattened.
    fields: tuple[PlannedField, ...] = ()
    # Completing never gives an awaitable (leaves, and lists or non-nulls of them): the
    # runner skips the test.
    sync: bool = False
    # The whole completion as one generated function, when everything under it is a plain
    # read (gateway/plan/codegen.py); it raises on anything unusual.
    # It takes the value and a stand-in info for the resolvers reading only the context.
    fast: Callable[[Any, Any], Any] | None = None


@dataclass(slots=True, eq=False)
class PlannedField:
    """One response key of a selection set on one object type."""

    response_name: str
    field_name: str
    parent_type: GraphQLObjectType
    parent_name: str
    definition: GraphQLField
    # Every node merged under this response key (info.field_nodes, error locations).
    nodes: list[FieldNode]
    complete: Completion
    # The first of three ways to read the value, whichever is set:
    # an attribute read (strawberry's default resolver for a field without one),
    attribute: str | None
    # a default resolver that ignores its info,
    plain: Callable[..., Any] | None
    # the resolver strawberry's wrapper would call, called directly (gateway/plan/reads.py),
    direct: DirectCall | None
    # or the field's resolver, called with a GraphQLResolveInfo and the arguments.
    resolve: Callable[..., Any] | None
    # The resolver's coroutine may be stepped inline (gateway/plan/reads.py `steps_inline`).
    inline: bool
    # Arguments coerced at compile time (constant), or None: coerced per run.
    arguments: dict[str, Any] | None
    has_arguments: bool
    # __typename: the answer is the parent type's name.
    typename: str | None
    null_message: str
    iterable_message: str
    # The resolver also reads only `info.context` (gateway/plan/reads.py): generated code
    # may call it (gateway/plan/codegen.py).
    context_only: bool = False


@dataclass(slots=True, eq=False)
class Plan:
    """A validated operation of a document, compiled."""

    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    root_type: GraphQLObjectType
    fields: tuple[PlannedField, ...]
    # Mutations run their top-level fields one after the other.
    serial: bool
    has_variables: bool
    # How many fields were compiled: the plan cache's size estimate.
    size: int
