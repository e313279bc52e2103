"""What an operation asks for, measured before it runs: its type, depth, aliases, cost,
the longest list argument and how many fields it selects once its fragments are
expanded. The limits are checked against this before any resolver (and so any backend)
is called, and before the document is validated.

Cost is static: each field has a cost (`gateway/cost.py`), a list field multiplies its
selection's cost by its cap (`subscribers` by the number of numbers asked for), and the
operation's cost is the sum.

The walk is linear in the document: each fragment is measured once and its measure
reused wherever it is spread. A fragment spread twice by another, twenty levels down,
would otherwise be walked 2^20 times (issue #23). The measures themselves (cost, aliases,
fields) are what the expanded operation would have, so the limits still see the real
size and refuse it.

The `__schema` / `__type` subtree (introspection) is measured apart, so that the
standard introspection query (15 levels deep) can have its own depth allowance when
introspection is on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    parse,
)
from graphql.type import SchemaMetaFieldDef, TypeMetaFieldDef

from gateway.cost import CostTable

# The root fields that start introspection.
INTROSPECTION_ROOTS = {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}


class OperationNotFoundError(Exception):
    """The document has no operation of that name (or several and no name was given)."""


@dataclass(frozen=True, slots=True)
class Shape:
    operation: OperationType
    name: str | None
    depth: int
    aliases: int
    cost: int
    longest_list: int
    # Every field asked for, as "Parent.field" ("Parent.field(...)" when given arguments).
    fields: frozenset[str] = frozenset()
    # Fields selected once every fragment is expanded (what execution would walk).
    size: int = 0
    # Depth of the `__schema` / `__type` subtree (0 without introspection); not in `depth`.
    introspection_depth: int = 0


class _Measure(NamedTuple):
    """What a selection set contributes where it sits: levels below it, and counts that
    add up each time it is spread. (A tuple: one is made per field, and a frozen
    dataclass costs twice the walk.)"""

    depth: int = 0
    introspection_depth: int = 0
    aliases: int = 0
    cost: int = 0
    size: int = 0


_NOTHING = _Measure()
_LEAF = _Measure(depth=1, size=1)


@dataclass(slots=True)
class _Walk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    costs: CostTable
    longest_list: int = 0
    fields: set[str] = field(default_factory=set)
    # Each fragment's measure, taken once; a fragment being measured is in `walking`.
    measured: dict[str, _Measure] = field(default_factory=dict)
    walking: set[str] = field(default_factory=set)

    def selection(self, parent: GraphQLNamedType | None, selections: SelectionSetNode) -> _Measure:
        depth = introspection = aliases = cost = size = 0
        for node in selections.selections:
            if isinstance(node, FieldNode):
                part = self.field(parent, node)
            elif isinstance(node, InlineFragmentNode):
                kind = (
                    self.schema.get_type(node.type_condition.name.value)
                    if node.type_condition
                    else parent
                )
                part = self.selection(kind, node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                part = self.fragment(node.name.value)
            else:  # pragma: no cover - graphql-core has no other selection
                continue
            part_depth, part_introspection, part_aliases, part_cost, part_size = part
            if part_depth > depth:
                depth = part_depth
            if part_introspection > introspection:
                introspection = part_introspection
            aliases += part_aliases
            cost += part_cost
            size += part_size
        return _Measure(depth, introspection, aliases, cost, size)

    def fragment(self, name: str) -> _Measure:
        found = self.measured.get(name)
        if found is not None:
            return found
        definition = self.fragments.get(name)
        if definition is None or name in self.walking:
            return _NOTHING  # validation reports unknown and cyclic fragments
        self.walking.add(name)
        kind = self.schema.get_type(definition.type_condition.name.value)
        measure = self.selection(kind, definition.selection_set)
        self.walking.discard(name)
        self.measured[name] = measure
        return measure

    def field(self, parent: GraphQLNamedType | None, node: FieldNode) -> _Measure:
        name = node.name.value
        parent_name = parent.name if parent is not None else "?"
        arguments = node.arguments
        self.fields.add(f"{parent_name}.{name}(...)" if arguments else f"{parent_name}.{name}")
        own = self.costs.field(parent_name, name)
        aliases = 0 if node.alias is None else 1
        if node.selection_set is None and not arguments:
            # Most fields: a leaf without arguments, one shared measure when it is free.
            return _LEAF if own == 0 and not aliases else _Measure(1, 0, aliases, own, 1)
        child_type: GraphQLNamedType | None = None
        meta = INTROSPECTION_ROOTS.get(name)
        if meta is not None:
            child_type = get_named_type(meta.type)
        elif isinstance(parent, GraphQLObjectType):
            found = parent.fields.get(name)
            child_type = get_named_type(found.type) if found is not None else None
        multiplier = 1
        for argument in arguments or ():
            length = self._list_length(argument.value)
            if length is not None:
                self.longest_list = max(self.longest_list, length)
                if self.costs.multiplies_by_argument(parent_name, name, argument.name.value):
                    multiplier = max(multiplier, length)
        multiplier = max(multiplier, self.costs.list_cap(parent_name, name))
        below = self.selection(child_type, node.selection_set) if node.selection_set else _NOTHING
        depth, introspection = 1 + below.depth, below.introspection_depth
        if meta is not None:
            # The whole subtree is introspection's, measured against its own allowance.
            depth, introspection = 0, max(1 + below.depth, 1 + introspection)
        elif introspection:
            introspection += 1
        return _Measure(
            depth,
            introspection,
            below.aliases + aliases,
            own + multiplier * below.cost,
            1 + below.size,
        )

    def _list_length(self, value: Any) -> int | None:
        if isinstance(value, ListValueNode):
            return len(value.values)
        if isinstance(value, VariableNode):
            given = self.variables.get(value.name.value)
            if isinstance(given, list):
                return len(given)
        return None


def pick_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        if len(operations) != 1:
            raise OperationNotFoundError("several operations: say which with operationName")
        return operations[0]
    for operation in operations:
        if operation.name is not None and operation.name.value == name:
            return operation
    raise OperationNotFoundError(f"no operation named {name!r}")


def measure(
    schema: GraphQLSchema,
    costs: CostTable,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> Shape:
    """The shape of one operation of a parsed document. Raises OperationNotFoundError."""
    operation = pick_operation(document, operation_name)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    root = schema.get_root_type(operation.operation)
    walk = _Walk(schema, fragments, variables or {}, costs)
    found = walk.selection(root, operation.selection_set)
    cost = found.cost
    if root is not None and operation.operation is OperationType.MUTATION:
        cost += costs.mutation_base
    return Shape(
        operation=operation.operation,
        name=operation.name.value if operation.name else None,
        depth=found.depth,
        aliases=found.aliases,
        cost=cost,
        longest_list=walk.longest_list,
        fields=frozenset(walk.fields),
        size=found.size,
        introspection_depth=found.introspection_depth,
    )


class ShapeReader:
    """Shapes of operations from their text, nothing kept (the endpoint measures through
    `gateway/documents.py`, which keeps validated documents)."""

    def __init__(self, schema: GraphQLSchema, costs: CostTable, max_tokens: int) -> None:
        self._schema = schema
        self._costs = costs
        self._max_tokens = max_tokens

    def read(
        self, query: str, operation_name: str | None, variables: Mapping[str, Any] | None
    ) -> Shape:
        """Raises GraphQLSyntaxError (too many tokens too) or OperationNotFoundError."""
        document = parse(query, max_tokens=self._max_tokens)
        return measure(self._schema, self._costs, document, operation_name, variables)


__all__ = [
    "GraphQLError",
    "OperationNotFoundError",
    "Shape",
    "ShapeReader",
    "measure",
    "pick_operation",
]
