"""Why a document is not run by a plan, and graphql-core's executor for those documents.

A `Fallback` is the compiler's answer for a document it does not plan (its `reason` is the
label of `tgw_plan_fallbacks_total`); `execute_generic` is what runs such a document, exactly
as graphql-core does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode, ExecutionResult, GraphQLError, GraphQLSchema
from graphql.execution import experimental_execute_incrementally
from graphql.pyutils import is_awaitable

# The reasons, one per decision of the compiler (gateway/plan/compiler.py).
OPERATION = "operation"  # no operation of that name, or a name is needed
SUBSCRIPTION = "subscription"  # a stream of answers: gateway/live.py's path
INCREMENTAL = "incremental"  # @defer/@stream: gateway/incremental.py's path
VARIABLE_DIRECTIVE = "variable-directive"  # @include/@skip(if: $variable)
DIRECTIVE = "directive"  # any other directive on an operation or selection
FRAGMENT_VARIABLES = "fragment-variables"  # graphql-core's experimental fragment arguments
INTROSPECTION = "introspection"  # __schema / __type
ABSTRACT = "abstract"  # an interface or union (the schema has none today)
TYPE_CHECK = "is-type-of"  # an object type with its own is_type_of check
DEPTH = "depth"  # nested beyond what the compiler recurses through
# A document the document cache did not keep: compiling it per request costs more than it saves.
NOT_KEPT = "not-kept"
# Schema extensions wrapping every resolver (tracing spans) need strawberry's path.
EXTENSIONS = "extensions"
# The compiler failed (a bug): logged, and graphql-core answers.
COMPILE_ERROR = "compile-error"

# graphql-core's message when a document needs incremental delivery (graphql.execute's).
_MULTIPLE_PAYLOADS = (
    "Executing this GraphQL operation would unexpectedly produce multiple payloads"
    " (due to @defer or @stream directive)"
)


@dataclass(frozen=True, slots=True)
class Fallback:
    """A document the plan does not run, and why."""

    reason: str


async def execute_generic(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    context: Any,
    root: Any = None,
    hide_suggestions: bool = False,
) -> ExecutionResult:
    """graphql-core's executor. `graphql.execute` itself refuses any schema that declares
    @defer/@stream (the gateway's does), so this is its incremental entry point, which
    answers the same for every document that asks for no parts."""
    result: Any = experimental_execute_incrementally(
        schema,
        document,
        root,
        context,
        variables,
        operation_name,
        hide_suggestions=hide_suggestions,
    )
    if is_awaitable(result):
        result = await result
    if not isinstance(result, ExecutionResult):
        raise GraphQLError(_MULTIPLE_PAYLOADS)
    return result
