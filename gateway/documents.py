"""Parsed and validated GraphQL documents, kept by their text within a byte budget.

A stranger can send any number of distinct documents without a token. Before this module
three caches of 1,000 entries each (the shape checker's parses, strawberry's parser and
validation caches) kept every one of them, refused or not, at 1-2 MiB a parsed document:
1,200 documents took a worker from 0.3 to 2.9 GiB (issue #23). Here:

- parsing is bounded first (`max_tokens`), so one document costs at most ~1.3 MiB;
- a document is kept only once it has validated: a refused or invalid one is parsed,
  measured, answered and dropped;
- what is kept is bounded in bytes (an estimate from the document's tokens, checked
  against tracemalloc by a test) and in entries, least recently used first out;
- `tgw_document_cache_bytes` / `_entries` say how full it is.

Each kept document also keeps its compiled plans (gateway/plan/), one per operation name,
compiled on first execution and counted in its bytes: a plan goes when its document goes
(`tgw_plan_cache_entries`).

Validation runs here too (strawberry's validation step asks the `KeptDocuments`
extension), with suggestions ("Did you mean ...?") hidden unless introspection is on:
they would give the schema away field by field. It stops at the request's deadline: the
token cap bounds it (~50 ms for the worst documents bench/shape_check.py knows at 2,000
tokens), and the deadline bounds it when the machine is slower than that.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    Node,
    ValidationRule,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from adapters import metrics
from adapters.scope import current_scope
from gateway.cost import CostTable, cost_table
from gateway.plan import Fallback, Plan, compile_plan
from gateway.plan.fallback import NOT_KEPT, OPERATION
from gateway.refusal import RefusedError, deadline_exceeded
from gateway.settings import Settings
from gateway.shape import Shape, measure

# Measured with tracemalloc (tests/unit/test_documents.py): a parsed token with its AST
# node and location is 400-620 bytes; the estimate errs above that.
BYTES_PER_TOKEN = 700
BYTES_PER_ENTRY = 1_000
# A compiled field (gateway/plan/nodes.py: a slotted record, its messages, its arguments):
# an estimate above what tracemalloc shows.
BYTES_PER_PLANNED_FIELD = 1_000


def token_count(document: DocumentNode) -> int:
    token = document.loc.start_token if document.loc else None
    count = 0
    while token is not None:
        count += 1
        token = token.next
    return count


def estimated_bytes(query: str, document: DocumentNode) -> int:
    """What keeping this document costs: its parse, its text (the key) and the entry."""
    return BYTES_PER_TOKEN * token_count(document) + 2 * len(query) + BYTES_PER_ENTRY


@dataclass(slots=True)
class _Entry:
    document: DocumentNode
    size: int
    # Variable-free shapes by operation name: they depend on the text alone.
    shapes: dict[str | None, Shape] = field(default_factory=dict)
    # Compiled plans by operation name (gateway/plan/).
    plans: dict[str | None, Plan | Fallback] = field(default_factory=dict)


class Documents:
    def __init__(
        self,
        schema: GraphQLSchema,
        costs: CostTable,
        *,
        max_tokens: int,
        max_bytes: int,
        max_entries: int,
        extra_rules: Collection[type[ASTValidationRule]] = (),
        hide_suggestions: bool = True,
    ) -> None:
        self._schema = schema
        self._costs = costs
        self._max_tokens = max_tokens
        self._max_bytes = max_bytes
        self._max_entries = max_entries
        self._rules = (*specified_rules, *extra_rules)
        self._hide_suggestions = hide_suggestions
        self._kept: OrderedDict[str, _Entry] = OrderedDict()
        self.bytes = 0
        self.plans = 0
        # The last fresh parse, so that measuring then validating a new document parses
        # it once. One document at most: not a cache anyone can fill.
        self._last: tuple[str, DocumentNode] | None = None

    def __len__(self) -> int:
        return len(self._kept)

    def __contains__(self, query: object) -> bool:
        return query in self._kept

    def kept(self, query: str) -> DocumentNode | None:
        entry = self._kept.get(query)
        if entry is None:
            return None
        self._kept.move_to_end(query)
        return entry.document

    def parse(self, query: str) -> DocumentNode:
        """The kept document, or a fresh (bounded) parse that is not kept.
        Raises GraphQLSyntaxError, too many tokens included."""
        found = self.kept(query)
        if found is not None:
            return found
        last = self._last
        if last is not None and last[0] == query:
            return last[1]
        document = parse(query, max_tokens=self._max_tokens)
        self._last = (query, document)
        return document

    def read(
        self, query: str, operation_name: str | None, variables: Mapping[str, Any] | None
    ) -> Shape:
        """The operation's shape. Raises GraphQLSyntaxError or OperationNotFoundError."""
        entry = self._kept.get(query)
        if entry is not None and not variables:
            shape = entry.shapes.get(operation_name)
            if shape is None:
                # Bounded: only names of operations the document has get here.
                shape = measure(self._schema, self._costs, entry.document, operation_name, None)
                entry.shapes[operation_name] = shape
            return shape
        document = entry.document if entry is not None else self.parse(query)
        return measure(self._schema, self._costs, document, operation_name, variables)

    def validate(self, query: str, document: DocumentNode | None = None) -> list[GraphQLError]:
        """Validation's errors; none, and the document is kept from now on.
        Raises GraphQLSyntaxError when not given the document, and RefusedError
        (DEADLINE_EXCEEDED) when the request's deadline passes first."""
        if query in self._kept:
            return []
        if document is None:
            document = self.parse(query)
        scope = current_scope()
        rules = self._rules if scope is None else (*self._rules, _within(scope.deadline))
        try:
            errors = validate(
                self._schema, document, rules, hide_suggestions=self._hide_suggestions
            )
        except _DeadlinePassedError as exc:
            self._last = None
            raise deadline_exceeded("validating the document") from exc
        if not errors:
            self._keep(query, document)
        if errors or query in self._kept:
            # A valid document not kept (over the budget) stays as the last parse, so
            # that executing it right after does not parse it again.
            self._last = None
        return errors

    def planned(
        self, query: str, operation_name: str | None
    ) -> tuple[DocumentNode, Plan | Fallback]:
        """A validated document and its compiled plan (compiled the first time)."""
        entry = self._kept.get(query)
        if entry is None:
            # Compiling per request would cost more than graphql-core's executor.
            return self.parse(query), Fallback(NOT_KEPT)
        self._kept.move_to_end(query)
        plan = entry.plans.get(operation_name)
        if plan is None:
            plan = compile_plan(self._schema, entry.document, operation_name)
            if isinstance(plan, Fallback) and plan.reason == OPERATION:
                # Not kept: a client may send any operation name.
                return entry.document, plan
            entry.plans[operation_name] = plan
            self.plans += 1
            if isinstance(plan, Plan):
                size = plan.size * BYTES_PER_PLANNED_FIELD
                entry.size += size
                self.bytes += size
                self._trim()
            metrics.PLAN_CACHE_ENTRIES.set(self.plans)
        return entry.document, plan

    def _keep(self, query: str, document: DocumentNode) -> None:
        size = estimated_bytes(query, document)
        if size > self._max_bytes or self._max_entries == 0:
            return
        self._kept[query] = _Entry(document, size)
        self.bytes += size
        self._trim()

    def _trim(self) -> None:
        # The newest entry stays even when its plan took it over the budget: it is in use.
        while len(self._kept) > 1 and (
            self.bytes > self._max_bytes or len(self._kept) > self._max_entries
        ):
            _, dropped = self._kept.popitem(last=False)
            self.bytes -= dropped.size
            self.plans -= len(dropped.plans)
        metrics.DOCUMENT_CACHE_BYTES.set(self.bytes)
        metrics.DOCUMENT_CACHE_ENTRIES.set(len(self._kept))
        metrics.PLAN_CACHE_ENTRIES.set(self.plans)


class _DeadlinePassedError(Exception):
    pass


def _within(deadline: float) -> type[ASTValidationRule]:
    """A validation rule that stops validation once `deadline` (time.monotonic()) passes.
    Checked at every node: validation's cost per node is small and bounded, so this cuts
    it within a node's work of the deadline (~0.1 us a check; validation runs once per
    document, not per request)."""

    class WithinDeadline(ValidationRule):
        def enter(self, *_: Node) -> None:
            if time.monotonic() > deadline:
                raise _DeadlinePassedError

    return WithinDeadline


class KeptDocuments(SchemaExtension):
    """strawberry's parse and validation steps, answered by `Documents` (instead of
    strawberry's ParserCache and ValidationCache, which keep every document)."""

    def __init__(self, documents: Documents) -> None:
        super().__init__()
        self._documents = documents

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            context.graphql_document = self._documents.parse(context.query)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.query:
            try:
                context.pre_execution_errors = self._documents.validate(
                    context.query, context.graphql_document
                )
            except RefusedError as error:
                context.pre_execution_errors = [
                    GraphQLError(error.message, extensions={"code": error.code})
                ]
        yield


def build_documents(schema: GraphQLSchema, settings: Settings) -> Documents:
    # strawberry's own rules (its validate_document adds them), then introspection's.
    rules: list[type[ASTValidationRule]] = [MaybeNullValidationRule, OneOfInputValidationRule]
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return Documents(
        schema,
        cost_table(settings.max_linked_numbers),
        max_tokens=settings.max_tokens,
        max_bytes=settings.document_cache_bytes,
        max_entries=settings.parser_cache_size,
        extra_rules=rules,
        hide_suggestions=not settings.introspection,
    )
