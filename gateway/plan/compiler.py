"""Compiling a validated document's operation into a `Plan`, or saying why not (`Fallback`).

Field collection is graphql-core's own (`collect_fields`, `collect_subfields`), run once
here instead of once per object per request: fragments, named or inline, and @include /
@skip with constant arguments are decided exactly as graphql-core decides them, and the
response keys come out in the same order. Per field the compiler resolves ahead its
definition, how its value is read (an attribute for strawberry's default resolver, the
field's resolver otherwise), its constant arguments, and its completion (non-null, list,
the leaf's serializer, the object's own selection)."""

from __future__ import annotations

import logging
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    is_abstract_type,
    is_leaf_type,
    visit,
)
from graphql.execution.collect_fields import (
    FieldDetails,
    FragmentDetails,
    collect_fields,
    collect_subfields,
)
from graphql.execution.executor import default_field_resolver
from graphql.execution.values import VariableValues, get_argument_values
from graphql.language import DirectiveNode, Visitor

from gateway.plan import fallback
from gateway.plan.codegen import give_fast_paths
from gateway.plan.fallback import Fallback
from gateway.plan.leaves import coercer
from gateway.plan.nodes import LEAF, LIST, NON_NULL, OBJECT, Completion, Plan, PlannedField
from gateway.plan.reads import (
    default_attribute,
    direct_call,
    is_basic,
    reads_only_context,
    steps_inline,
)

log = logging.getLogger("gateway.plan")

_NO_VARIABLES = VariableValues({}, {})
_DECIDED_AHEAD = frozenset({"include", "skip"})
_INCREMENTAL = frozenset({"defer", "stream"})


class _CannotPlan(Exception):  # noqa: N818 -- a decision, not a failure
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def compile_plan(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> Plan | Fallback:
    """The plan of a validated document's operation, or why it falls back."""
    try:
        return _compile(schema, document, operation_name)
    except _CannotPlan as cannot:
        return Fallback(cannot.reason)
    except RecursionError:
        return Fallback(fallback.DEPTH)
    except Exception:
        # A compiler bug must cost speed, never an answer: graphql-core runs it.
        log.exception("compiling a plan failed; the document runs on graphql-core")
        return Fallback(fallback.COMPILE_ERROR)


def _compile(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> Plan:
    operation = _operation(document, operation_name)
    if operation.operation is OperationType.SUBSCRIPTION:
        raise _CannotPlan(fallback.SUBSCRIPTION)
    if operation.directives:
        # e.g. graphql-core's @experimental_disable_error_propagation changes null handling.
        raise _CannotPlan(fallback.DIRECTIVE)
    definitions = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if any(d.variable_definitions for d in definitions.values()):
        raise _CannotPlan(fallback.FRAGMENT_VARIABLES)
    _check_directives(operation, definitions)
    root_type = schema.get_root_type(operation.operation)
    if root_type is None:
        raise _CannotPlan(fallback.OPERATION)
    compiler = _Compiler(schema, operation, {n: FragmentDetails(d) for n, d in definitions.items()})
    collected = collect_fields(schema, compiler.fragments, _NO_VARIABLES, root_type, operation)
    fields = compiler.fields(root_type, collected.grouped_field_set)
    give_fast_paths(fields)
    return Plan(
        operation=operation,
        fragments=definitions,
        root_type=root_type,
        fields=fields,
        serial=operation.operation is OperationType.MUTATION,
        has_variables=bool(operation.variable_definitions),
        size=compiler.size,
    )


def _operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode:
    # As graphql-core's Executor.build picks it; its errors are left to graphql-core.
    found: OperationDefinitionNode | None = None
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if operation_name is None:
            if found is not None:
                raise _CannotPlan(fallback.OPERATION)
            found = definition
        elif definition.name and definition.name.value == operation_name:
            found = definition
    if found is None:
        raise _CannotPlan(fallback.OPERATION)
    return found


class _DirectiveCheck(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.reason: str | None = None

    def enter_directive(self, node: DirectiveNode, *_args: Any) -> None:
        name = node.name.value
        if name in _INCREMENTAL:
            self.reason = self.reason or fallback.INCREMENTAL
        elif name not in _DECIDED_AHEAD:
            self.reason = self.reason or fallback.DIRECTIVE
        elif any(isinstance(a.value, VariableNode) for a in node.arguments or ()):
            self.reason = self.reason or fallback.VARIABLE_DIRECTIVE


def _check_directives(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> None:
    check = _DirectiveCheck()
    for node in (operation.selection_set, *(f.selection_set for f in fragments.values())):
        visit(node, check)
    if check.reason is not None:
        raise _CannotPlan(check.reason)


class _Compiler:
    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDetails],
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.fragments = fragments
        self.size = 0

    def fields(
        self, parent: GraphQLObjectType, grouped: dict[str, list[FieldDetails]]
    ) -> tuple[PlannedField, ...]:
        planned: list[PlannedField] = []
        for response_name, details in grouped.items():
            field = self.field(parent, response_name, details)
            if field is not None:
                planned.append(field)
        return tuple(planned)

    def field(
        self, parent: GraphQLObjectType, response_name: str, details: list[FieldDetails]
    ) -> PlannedField | None:
        if any(d.fragment_variable_values is not None for d in details):
            raise _CannotPlan(fallback.FRAGMENT_VARIABLES)
        node = details[0].node
        name = node.name.value
        if name in ("__schema", "__type"):
            raise _CannotPlan(fallback.INTROSPECTION)
        definition = self.schema.get_field(parent, name)
        if definition is None:
            # graphql-core leaves a field the type does not have out of the answer.
            return None
        self.size += 1
        nodes = [d.node for d in details]
        typename = parent.name if name == "__typename" else None
        complete = self.completion(definition.type, details) if typename is None else _TYPENAME
        # A field without a resolver gets graphql-core's default (a key or an attribute).
        resolve = definition.resolve or default_field_resolver
        attribute = None
        plain = None
        direct = None
        if typename is None:
            if not is_basic(resolve):
                direct = direct_call(resolve, definition)
            elif not definition.args:
                attribute = default_attribute(resolve)
                if attribute is None:
                    plain = resolve
        has_arguments = bool(definition.args or node.arguments)
        return PlannedField(
            response_name=response_name,
            field_name=name,
            parent_type=parent,
            parent_name=parent.name,
            definition=definition,
            nodes=nodes,
            complete=complete,
            attribute=attribute,
            plain=plain,
            direct=direct,
            resolve=resolve,
            inline=typename is None and steps_inline(definition),
            context_only=typename is None and reads_only_context(definition),
            arguments=_constant_arguments(definition, node) if has_arguments else {},
            has_arguments=has_arguments,
            typename=typename,
            null_message=f"Cannot return null for non-nullable field {parent}.{name}.",
            iterable_message=(
                f"Expected Iterable, but did not find one for field '{parent}.{name}'."
            ),
        )

    def completion(self, type_: GraphQLOutputType, details: list[FieldDetails]) -> Completion:
        if isinstance(type_, GraphQLNonNull):
            inner = self.completion(type_.of_type, details)
            return Completion(NON_NULL, type_, inner=inner, sync=inner.sync)
        if isinstance(type_, GraphQLList):
            inner = self.completion(type_.of_type, details)
            return Completion(LIST, type_, inner=inner, sync=inner.sync)
        if is_leaf_type(type_):
            return Completion(LEAF, type_, coerce=coercer(type_), sync=True)
        if is_abstract_type(type_):
            raise _CannotPlan(fallback.ABSTRACT)
        assert isinstance(type_, GraphQLObjectType)
        if type_.is_type_of is not None:
            raise _CannotPlan(fallback.TYPE_CHECK)
        collected = collect_subfields(
            self.schema, self.fragments, _NO_VARIABLES, self.operation, type_, details
        )
        return Completion(OBJECT, type_, fields=self.fields(type_, collected.grouped_field_set))


# __typename: graphql-core answers the parent type's name, a String that serializes as is.
_TYPENAME = Completion(LEAF, GraphQLString, coerce=GraphQLString.coerce_output_value, sync=True)


def _constant_arguments(definition: Any, node: FieldNode) -> dict[str, Any] | None:
    """Arguments coerced once, when none is a variable; None: coerced per run (a variable,
    or a literal whose coercion fails: the failure is the field's error, per run)."""
    if node.arguments and any(_has_variable(a.value) for a in node.arguments):
        return None
    try:
        return get_argument_values(definition, node, _NO_VARIABLES)
    except Exception:
        return None


def _has_variable(value: Any) -> bool:
    found = False

    class _Find(Visitor):
        def enter_variable(self, *_args: Any) -> None:
            nonlocal found
            found = True

    visit(value, _Find())
    return found
