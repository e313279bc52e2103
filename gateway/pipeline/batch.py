"""Whether the operations of a batch may run together.

Queries of a batch run concurrently on one Context (a screen's ten queries cost one call
per backend resource); anything else runs one after another, in the order sent, so that
a query after a mutation sees its effect. The decision is made on the parsed operations
-- the one `operationName` picks, whatever comments or other operations come first --
never on how the text starts. An operation that cannot be read here (sent by hash only,
or not parsing) counts as not a query: run in order, it gets its own error as usual.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphql import GraphQLError, OperationType

from gateway.documents import Documents
from gateway.shape import OperationNotFoundError
from gateway.transport import OperationRequest


def is_query(shapes: Documents, operation: OperationRequest) -> bool:
    if operation.query is None:
        return False
    try:
        # The shape reader's parse is cached: the operation's own run reads it again free.
        shape = shapes.read(operation.query, operation.operation_name, operation.variables)
    except (GraphQLError, OperationNotFoundError):
        return False
    return shape.operation is OperationType.QUERY


def all_queries(shapes: Documents, operations: Sequence[OperationRequest]) -> bool:
    return all(is_query(shapes, op) for op in operations)
