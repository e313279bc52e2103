"""The executor's one seam: every query and mutation the edge admitted runs here."""

from __future__ import annotations

from strawberry.types import ExecutionResult

from gateway.runtime import Runtime
from gateway.transport import OperationRequest
from resolvers.context import Context


async def execute(
    runtime: Runtime, query: str, operation: OperationRequest, context: Context
) -> ExecutionResult:
    return await runtime.schema.execute(
        query,
        variable_values=operation.variables,
        context_value=context,
        operation_name=operation.operation_name,
    )
