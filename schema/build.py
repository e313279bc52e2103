"""The schema, assembled: one function the gateway calls, and the SDL export."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types.execution import ExecutionContext

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


Extension = type[SchemaExtension] | Callable[[], SchemaExtension]


def build_schema(extensions: Sequence[Extension] = ()) -> strawberry.Schema:
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=list(extensions),
        config=StrawberryConfig(scalar_map=SCALARS),
    )


def export_sdl() -> str:
    return str(build_schema()).rstrip() + "\n"
