"""PLACEHOLDER of the compiled-plan executor (issue #14): `run_plan` here only calls
graphql-core's `execute`, so that the differential test (tests/plan/) has a candidate to
run until the real executor lands; it is replaced by the compiled plan at merge. Nothing
in the gateway calls it yet."""

from __future__ import annotations

from typing import Any

import graphql


async def run_plan(
    schema: graphql.GraphQLSchema,
    document: graphql.DocumentNode,
    *,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    context: Any,
    root: Any = None,
) -> graphql.ExecutionResult:
    """Placeholder: exactly graphql-core's answer (awaited when it is awaitable)."""
    result = graphql.execute(schema, document, root, context, variables, operation_name)
    if graphql.pyutils.is_awaitable(result):
        result = await result
    assert isinstance(result, graphql.ExecutionResult)
    return result
