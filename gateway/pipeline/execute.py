"""The executor's one seam: every query and mutation the edge admitted runs here.

By default through the document's compiled plan (gateway/plan/), kept beside the validated
document (gateway/documents.py), so nothing is parsed again; with `TGW_EXECUTOR=graphql-core`
through strawberry and graphql-core's generic executor, as before plans. strawberry's
`execute` adds nothing a plan misses here: parsing and validation are the edge's
(`KeptDocuments` answers them from the same cache), `process_errors` is a no-op in
`GatewaySchema`, the operation type was checked by the edge, and the one extension that
wraps resolvers (OpenTelemetry's spans, when `TGW_OTLP_ENDPOINT` is set) makes every
operation fall back, counted as `extensions`."""

from __future__ import annotations

from graphql import ExecutionResult, GraphQLError

from adapters import metrics
from gateway.plan import run_compiled
from gateway.plan.fallback import EXTENSIONS
from gateway.runtime import Runtime
from gateway.transport import OperationRequest
from resolvers.context import Context


async def execute(
    runtime: Runtime, query: str, operation: OperationRequest, context: Context
) -> ExecutionResult:
    if runtime.settings.executor == "plan":
        if runtime.telemetry.provider is None:
            document, plan = runtime.documents.planned(query, operation.operation_name)
            try:
                return await run_compiled(
                    plan,
                    runtime.schema._schema,
                    document,
                    variables=operation.variables,
                    operation_name=operation.operation_name,
                    context=context,
                    # As QuietExecutor (gateway/suggestions.py) hides them.
                    hide_suggestions=not runtime.settings.introspection,
                )
            except Exception as exc:  # what strawberry's execute does too
                # Field errors never get here; anything else becomes the answer's one
                # error, as strawberry made it (its `_coerce_error`), never a 500.
                error = (
                    exc
                    if isinstance(exc, GraphQLError)
                    else GraphQLError(str(exc), original_error=exc)
                )
                return ExecutionResult(None, [error])
        metrics.PLAN_FALLBACKS.labels(EXTENSIONS).inc()
    result = await runtime.schema.execute(
        query,
        variable_values=operation.variables,
        context_value=context,
        operation_name=operation.operation_name,
    )
    return ExecutionResult(result.data, result.errors)
