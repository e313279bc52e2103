"""The schema, assembled: one function the gateway calls, and the SDL export."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Iterable, Sequence
from typing import Any

import strawberry
from graphql import GraphQLError
from graphql.execution import Executor
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StreamResult
from strawberry.types.execution import ExecutionContext, PreExecutionError
from strawberry.types.graphql import OperationType

from schema.mutation import Mutation
from schema.query import Query
from schema.scalars import SCALARS
from schema.subscription import Subscription


class GatewaySchema(strawberry.Schema):
    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        # The gateway classifies and logs errors itself (expected ones are not worth a
        # stack trace in the log), so strawberry's default logging is turned off here.
        return None

    async def stream(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
    ) -> StreamResult:
        """What the live transports run (subscriptions, and any operation over
        graphql-transport-ws): the edge's checks first, when the context carries them."""
        admit = getattr(context_value, "admit_stream", None)
        if admit is not None:
            refusal = await admit(query, operation_name, variable_values)
            if refusal is not None:
                return _refused(refusal)
        return await super().stream(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            operation_extensions,
            allowed_operation_types,
        )

    def _get_custom_context_kwargs(
        self, operation_extensions: dict[str, Any] | None = None, *, sync: bool = False
    ) -> dict[str, Any]:
        kwargs = super()._get_custom_context_kwargs(operation_extensions, sync=sync)
        if not sync:
            # A deferred fragment starts at once, beside the rest (its backend calls batched
            # with theirs), not once the first part is done: graphql-core's default waits.
            kwargs["enable_early_execution"] = True
        return kwargs

    async def subscribe(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> Any:
        """Any operation, not only subscriptions: what the legacy graphql-ws protocol
        calls, and its clients (Apollo's old WebSocket link) send queries and mutations."""
        return await self.stream(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            operation_extensions,
        )


async def _refused(error: GraphQLError) -> AsyncGenerator[PreExecutionError, None]:
    yield PreExecutionError(data=None, errors=[error])


Extension = type[SchemaExtension] | Callable[[], SchemaExtension]


def build_schema(
    extensions: Sequence[Extension] = (), executor: type[Executor[Any]] | None = None
) -> strawberry.Schema:
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=list(extensions),
        # @defer and @stream: the gateway writes the parts itself (gateway/incremental.py).
        config=StrawberryConfig(scalar_map=SCALARS, enable_experimental_incremental_execution=True),
        execution_context_class=executor,
    )


def export_sdl() -> str:
    return str(build_schema()).rstrip() + "\n"
