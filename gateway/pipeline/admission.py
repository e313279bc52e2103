"""Everything an operation must pass before it runs: its text (persisted queries and the
allow-list), its document read into a `Shape` (parsed and measured once, cached), the
shape limits and then the rate limits (a refused shape costs no Redis hit), all within
the request's deadline: an operation whose deadline passed on the way is refused
(DEADLINE_EXCEEDED), not started."""

from __future__ import annotations

from graphql import GraphQLSyntaxError

from adapters.scope import current_scope
from gateway.edge import Edge
from gateway.errors import PARSE_FAILED, VALIDATION_FAILED
from gateway.limits import check_shape
from gateway.persisted import resolve_query
from gateway.rate_limits import count_operation, count_operations
from gateway.refusal import RefusedError, deadline_exceeded
from gateway.runtime import Runtime
from gateway.shape import OperationNotFoundError, Shape
from gateway.transport import OperationRequest
from resolvers.context import Context


async def read_operation(edge: Edge, operation: OperationRequest) -> tuple[str, Shape]:
    """The operation's text and shape, or a RefusedError (unknown hash, not allowed, not
    parsing, no such operation)."""
    query = await resolve_query(operation, edge.persisted, edge.allowlist_only)
    try:
        shape = edge.shapes.read(query, operation.operation_name, operation.variables)
    except GraphQLSyntaxError as exc:
        code = "TOO_MANY_TOKENS" if "tokens" in exc.message else PARSE_FAILED
        raise RefusedError(code, exc.message) from exc
    except OperationNotFoundError as exc:
        raise RefusedError(VALIDATION_FAILED, str(exc)) from exc
    return query, shape


async def guard(runtime: Runtime, edge: Edge, context: Context, shape: Shape) -> None:
    """The limits on an operation's shape, then the rate limits: a RefusedError or nothing."""
    check_limits(edge, context, shape)
    await count_operation(
        runtime.ports.security,
        edge.rates,
        context.principal,
        context.client_address,
        runtime.clock.now().timestamp(),
    )


def check_limits(edge: Edge, context: Context, shape: Shape) -> None:
    """The deadline and the limits on an operation's shape: a RefusedError or nothing."""
    within_deadline("reading the document")
    check_shape(shape, edge.limits, context.request_id)


async def count_rates(
    runtime: Runtime, edge: Edge, context: Context, n: int
) -> tuple[int, RefusedError | None]:
    """The rate limits for `n` operations that passed their shape limits, counted at once:
    how many (the first ones) are within them, and the refusal for the others."""
    return await count_operations(
        runtime.ports.security,
        edge.rates,
        context.principal,
        context.client_address,
        runtime.clock.now().timestamp(),
        n,
    )


def within_deadline(step: str) -> None:
    """Refuses (DEADLINE_EXCEEDED) when the request's deadline has passed before `step`."""
    scope = current_scope()
    if scope is not None and scope.remaining() <= 0:
        raise deadline_exceeded(step)
