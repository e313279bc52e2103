"""PLACEHOLDER of the compiled-plan executor (issue #14): `run_plan` here only runs
graphql-core's executor, so that the differential test (tests/plan/) has a candidate to
run until the real executor lands; it is replaced by the compiled plan at merge. Nothing
in the gateway calls it yet.

graphql-core's plain `execute` refuses the gateway's schema (it declares @defer and
@stream), so this runs `experimental_execute_incrementally`, as strawberry does for the
gateway: for a document without @defer/@stream it answers one `ExecutionResult`, what
`execute` would."""

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
    """Placeholder: exactly graphql-core's answer. A document asking for parts (@defer,
    @stream) is not one this runs: the pipeline sends those to gateway/incremental.py."""
    result = graphql.experimental_execute_incrementally(
        schema, document, root, context, variables, operation_name
    )
    if graphql.pyutils.is_awaitable(result):
        result = await result
    if not isinstance(result, graphql.ExecutionResult):
        raise TypeError("run_plan answers whole results only (no @defer/@stream)")
    return result
