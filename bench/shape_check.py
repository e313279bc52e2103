"""The edge's checks before and after issue #23, timed in one process on the README's
home-screen query: the shape walk alone, the whole per-request path of a warm screen
(measure, parse and validation lookups), and the exponential document of the issue.

    .venv/bin/python -m bench.shape_check            # prints a Markdown table

"Before" is the walker as it was (kept below, frozen: each fragment spread walked again)
with strawberry's ParserCache and ValidationCache; "after" is gateway/shape.py and
gateway/documents.py as the endpoint uses them.
"""

from __future__ import annotations

import sys
import time
import timeit
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    parse,
    specified_rules,
)
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from gateway.cost import CostTable, cost_table
from gateway.documents import build_documents, token_count
from gateway.settings import Settings
from gateway.shape import measure
from schema.build import build_schema

HOME_SCREEN = """query HomeScreen { me {
  msisdn name region
  balance { money { amount currency }
            quotas { kind remaining total unit unlimited validUntil }
            nextChargeAt nextChargeAmount { amount currency } updatedAt stale }
  tariff { id name monthlyFee { amount currency } allowances { kind amount unit unlimited } configurable }
  services { id name category status fee { amount currency } }
  expenses { category amount { amount currency } }
  linkedNumbers { msisdn alias status }
  offers { id partner title kind activated promoCode } } }"""  # noqa: E501


@dataclass(slots=True)
class _BeforeWalk:
    """gateway/shape.py's walk before #23: a fragment is walked at every spread."""

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
                    continue
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
            value = argument.value
            length = None
            if isinstance(value, ListValueNode):
                length = len(value.values)
            elif isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                length = len(given) if isinstance(given, list) else None
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


def before_measure(schema: GraphQLSchema, costs: CostTable, document: DocumentNode) -> int:
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = _BeforeWalk(schema, fragments, {}, costs)
    root = schema.get_root_type(operation.operation)
    return walk.selection_cost(root, operation.selection_set, 1, frozenset())


def exponential(levels: int) -> str:
    parts = ["query { ...F0 }"]
    parts += [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    parts.append(f"fragment F{levels} on Query {{ __typename }}")
    return "\n".join(parts)


def per_call(run: Callable[[], object], number: int) -> float:
    """Microseconds per call: the best of five rounds (the least disturbed by others)."""
    return min(timeit.repeat(run, number=number, repeat=5)) / number * 1e6


def compare(
    before: Callable[[], object], after: Callable[[], object], number: int
) -> tuple[float, float]:
    """Microseconds per call of each, rounds interleaved so that a busy moment of the
    machine falls on both; the best round of each."""
    rounds: tuple[list[float], list[float]] = ([], [])
    for _ in range(9):
        for run, found in zip((before, after), rounds, strict=True):
            found.append(timeit.timeit(run, number=number) / number * 1e6)
    return min(rounds[0]), min(rounds[1])


def main() -> int:
    strawberry_schema = build_schema()
    schema = strawberry_schema._schema
    costs = cost_table(5)
    document = parse(HOME_SCREEN)
    rows: list[tuple[str, float, float]] = []

    rows.append(
        (
            "shape walk of the home screen (parsed; a new text, or one with variables), µs",
            *compare(
                lambda: before_measure(schema, costs, document),
                lambda: measure(schema, costs, document, None, None),
                1_000,
            ),
        )
    )

    # A warm screen, per request: before, the shape's LRU and strawberry's parser and
    # validation LRUs; after, Documents' kept entry (the endpoint, then the extension).
    before_shape = lru_cache(maxsize=1000)(lambda q, n: before_measure(schema, costs, parse(q)))
    before_parse = _get_parse_cache(1000)
    before_validate = _get_validate_cache(1000)
    rules = tuple(specified_rules)

    def before_request() -> None:
        before_shape(HOME_SCREEN, None)
        before_validate(schema, before_parse(HOME_SCREEN), rules)

    documents = build_documents(schema, Settings(_env_file=None))
    documents.read(HOME_SCREEN, None, None)
    assert documents.validate(HOME_SCREEN) == []

    def after_request() -> None:
        documents.read(HOME_SCREEN, None, None)
        documents.validate(HOME_SCREEN)
        documents.validate(HOME_SCREEN, documents.parse(HOME_SCREEN))

    before_request()
    rows.append(
        (
            "warm home screen: measure + parse + validate lookups, µs",
            *compare(before_request, after_request, 10_000),
        )
    )

    levels = 18
    text = exponential(levels)
    started = time.perf_counter()
    before_measure(schema, costs, parse(text))
    before_seconds = time.perf_counter() - started
    rows.append(
        (
            f"exponential fragments, {levels} levels ({len(text)} bytes), µs",
            before_seconds * 1e6,
            per_call(lambda: measure(schema, costs, parse(text), None, None), 200),
        )
    )

    print("| check | before | after |")
    print("|---|---|---|")
    for name, before, after in rows:
        print(f"| {name} | {before:,.1f} | {after:,.1f} |")
    print()
    print_worst_validations(schema)
    return 0


def _chain(n: int) -> str:
    fragments = " ".join(f"fragment F{i} on Subscriber {{ msisdn ...F{i + 1} }}" for i in range(n))
    return f"{{ me {{ ...F0 }} }} {fragments} fragment F{n} on Subscriber {{ name }}"


def _double_chain(n: int) -> str:
    fragments = " ".join(
        f"fragment D{i} on Subscriber {{ ...D{i + 1} ...D{i + 1} }}" for i in range(n)
    )
    return f"{{ me {{ ...D0 }} }} {fragments} fragment D{n} on Subscriber {{ name }}"


# Documents that cost graphql-core's validation the most that we know of, by a size n:
# pairs for the overlapping-fields rule, spread chains, wide inline fragments.
WORST_DOCUMENTS: dict[str, Callable[[int], str]] = {
    "one alias repeated": lambda n: "{ " + " ".join(["a: __typename"] * n) + " }",
    "one field repeated under an alias": lambda n: "{ me { " + " ".join(["x: msisdn"] * n) + " } }",
    "a chain of fragments": _chain,
    "each fragment spreading the next twice": _double_chain,
    "inline fragments": lambda n: (
        "{ me { " + " ".join(["... on Subscriber { msisdn }"] * n) + " } }"
    ),
}


def largest_under(tokens: int, make: Callable[[int], str]) -> str:
    """`make(n)` with the largest n that still parses within `tokens`."""
    low, high = 1, tokens
    while low < high:
        middle = (low + high + 1) // 2
        try:
            parse(make(middle), max_tokens=tokens)
            low = middle
        except GraphQLSyntaxError:
            high = middle - 1
    return make(low)


def print_worst_validations(schema: GraphQLSchema) -> None:
    """Validation time of the worst documents at the token cap: what bounds the work
    before execution (docs/decisions.md, "the work before execution")."""
    settings = Settings(_env_file=None)
    print(f"| document at <= {settings.max_tokens} tokens | tokens | validation, ms | outcome |")
    print("|---|---|---|---|")
    for name, make in WORST_DOCUMENTS.items():
        text = largest_under(settings.max_tokens, make)
        documents = build_documents(schema, settings)
        document = parse(text, max_tokens=settings.max_tokens)
        started = time.perf_counter()
        errors = documents.validate(text, document)
        took = time.perf_counter() - started
        # graphql-core gives up on long spread chains itself ("Validation aborted.").
        outcome = errors[0].message if errors else "valid"
        print(f"| {name} | {token_count(document)} | {took * 1e3:.1f} | {outcome} |")


if __name__ == "__main__":
    sys.exit(main())
