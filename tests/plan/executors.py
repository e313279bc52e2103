"""The two executors the differential test runs side by side: graphql-core's executor
(the reference: what the gateway has always answered) and the compiled plan
(`gateway.plan.run_plan`, the candidate), both over the same graphql-core schema, with a
Context built the way the gateway builds one for a request (gateway/caller.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import graphql

from domain.principals import Principal
from gateway.plan import run_plan
from gateway.runtime import Runtime
from resolvers.context import Context, Limits
from resolvers.loaders import Loaders

Executor = Callable[
    [graphql.GraphQLSchema, graphql.DocumentNode, dict[str, Any] | None, str | None, Context],
    Awaitable[graphql.ExecutionResult],
]


async def reference(
    schema: graphql.GraphQLSchema,
    document: graphql.DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    context: Context,
) -> graphql.ExecutionResult:
    # What strawberry runs for the gateway: graphql-core's plain `execute` refuses a schema
    # declaring @defer/@stream; for a document without them this answers what it would.
    result = graphql.experimental_execute_incrementally(
        schema, document, None, context, variables, operation_name
    )
    if graphql.pyutils.is_awaitable(result):
        result = await result
    assert isinstance(result, graphql.ExecutionResult), type(result)
    return result


async def candidate(
    schema: graphql.GraphQLSchema,
    document: graphql.DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    context: Context,
) -> graphql.ExecutionResult:
    return await run_plan(
        schema,
        document,
        variables=variables,
        operation_name=operation_name,
        context=context,
        root=None,
    )


def request_context(runtime: Runtime, principal: Principal | None, request_id: str) -> Context:
    """A request's Context as gateway/caller.py builds it (fresh loaders, the runtime's
    ports, clock and rules), with its principal already read off a token."""
    return Context(
        ports=runtime.ports,
        loaders=Loaders.build(runtime.ports, runtime.settings.max_batch_load),
        clock=runtime.clock,
        request_id=request_id,
        principal=principal,
        limits=Limits(max_subscribers_per_query=runtime.settings.max_subscribers_per_query),
        rules=runtime.rules,
        action_rules=runtime.action_rules,
        client_address="127.0.0.1",
    )
