"""What an operation asks for, measured before it runs: its type, depth, aliases, cost,
and the longest list argument. The limits are checked against this before any resolver
(and so any backend) is called.

Cost is static: each field has a cost (`gateway/cost.py`), a list field multiplies its
selection's cost by its cap (`subscribers` by the number of numbers asked for), and the
operation's cost is the sum. Parses are cached per query text, and so are whole
measures of operations without variables (most screens' queries): a repeated one is
measured once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

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

from gateway.cost import CostTable


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


@dataclass(slots=True)
class _Walk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    costs: CostTable
    aliases: int = 0
    depth: int = 0
    longest_list: int = 0
    fields: set[str] = field(default_factory=set)

    def selection_cost(
        self,
        parent: GraphQLNamedType | None,
        selections: SelectionSetNode,
        level: int,
        seen: frozenset[str],
    ) -> int:
        total = 0
        for node in selections.selections:
            if isinstance(node, FieldNode):
                total += self.field_cost(parent, node, level, seen)
            elif isinstance(node, InlineFragmentNode):
                kind = (
                    self.schema.get_type(node.type_condition.name.value)
                    if node.type_condition
                    else parent
                )
                total += self.selection_cost(kind, node.selection_set, level, seen)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue  # validation reports unknown and cyclic fragments
                kind = self.schema.get_type(fragment.type_condition.name.value)
                total += self.selection_cost(kind, fragment.selection_set, level, seen | {name})
        return total

    def field_cost(
        self, parent: GraphQLNamedType | None, node: FieldNode, level: int, seen: frozenset[str]
    ) -> int:
        if node.alias is not None:
            self.aliases += 1
        self.depth = max(self.depth, level)
        name = node.name.value
        child_type: GraphQLNamedType | None = None
        parent_name = parent.name if parent is not None else "?"
        self.fields.add(f"{parent_name}.{name}(...)" if node.arguments else f"{parent_name}.{name}")
        if isinstance(parent, GraphQLObjectType) and name in parent.fields:
            child_type = get_named_type(parent.fields[name].type)
        multiplier = 1
        for argument in node.arguments or ():
            length = self._list_length(argument.value)
            if length is not None:
                self.longest_list = max(self.longest_list, length)
                if self.costs.multiplies_by_argument(parent_name, name, argument.name.value):
                    multiplier = max(multiplier, length)
        multiplier = max(multiplier, self.costs.list_cap(parent_name, name))
        children = (
            self.selection_cost(child_type, node.selection_set, level + 1, seen)
            if node.selection_set
            else 0
        )
        return self.costs.field(parent_name, name) + multiplier * children

    def _list_length(self, value: Any) -> int | None:
        if isinstance(value, ListValueNode):
            return len(value.values)
        if isinstance(value, VariableNode):
            given = self.variables.get(value.name.value)
            if isinstance(given, list):
                return len(given)
        return None


def _pick(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        if len(operations) != 1:
            raise OperationNotFoundError("several operations: say which with operationName")
        return operations[0]
    for operation in operations:
        if operation.name is not None and operation.name.value == name:
            return operation
    raise OperationNotFoundError(f"no operation named {name!r}")


class ShapeReader:
    def __init__(self, schema: GraphQLSchema, costs: CostTable, max_tokens: int) -> None:
        self._schema = schema
        self._costs = costs
        self._max_tokens = max_tokens
        self._parse = lru_cache(maxsize=1000)(self._parse_uncached)
        # Without variables the shape depends on the text alone (most screens' queries).
        self._fixed = lru_cache(maxsize=1000)(self._measure)

    def _parse_uncached(self, query: str) -> DocumentNode:
        return parse(query, max_tokens=self._max_tokens)

    def read(
        self, query: str, operation_name: str | None, variables: Mapping[str, Any] | None
    ) -> Shape:
        """Raises GraphQLSyntaxError (too many tokens too) or OperationNotFoundError."""
        if not variables:
            return self._fixed(query, operation_name)
        return self._measure(query, operation_name, variables)

    def _measure(
        self, query: str, operation_name: str | None, variables: Mapping[str, Any] | None = None
    ) -> Shape:
        document = self._parse(query)
        operation = _pick(document, operation_name)
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        root = self._schema.get_root_type(operation.operation)
        walk = _Walk(self._schema, fragments, variables or {}, self._costs)
        cost = walk.selection_cost(root, operation.selection_set, 1, frozenset())
        if root is not None and operation.operation is OperationType.MUTATION:
            cost += self._costs.mutation_base
        return Shape(
            operation=operation.operation,
            name=operation.name.value if operation.name else None,
            depth=walk.depth,
            aliases=walk.aliases,
            cost=cost,
            longest_list=walk.longest_list,
            fields=frozenset(walk.fields),
        )


__all__ = ["GraphQLError", "OperationNotFoundError", "Shape", "ShapeReader"]
