"""Whole answers compared: what a client would see, and what the gateway logs from.

`data` is compared as its JSON text (orjson, no sorting), so key order, aliases, nulls
and the value types of scalars all count. Each error is compared as the gateway formats it
for the client (`gateway.errors.format_error`: message, locations, path,
`extensions.code`, `extensions.backend`...) and raw as graphql-core made it (message,
path, locations, extensions). The errors are compared as a sorted list, not in the order
they were raised: graphql-core appends them as its resolvers finish, so two runs of the
same executor may order them differently, and the GraphQL spec gives the order no meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import graphql
import orjson

from gateway.errors import format_error


@dataclass(frozen=True, slots=True)
class Answer:
    """One executor's answer, reduced to what is compared."""

    data: str
    errors: tuple[str, ...]
    extensions: str

    @classmethod
    def of(
        cls,
        result: graphql.ExecutionResult,
        request_id: str,
        volatile: frozenset[str] = frozenset(),
    ) -> Answer:
        """`volatile`: keys whose string values are new on every call (a login's tokens),
        compared as being there, not by value."""
        executed = result.data is not None
        errors = sorted(_error(error, request_id, executed) for error in result.errors or [])
        return cls(
            data=_json(_masked(result.data, volatile)),
            errors=tuple(errors),
            extensions=_json(result.extensions),
        )


def _masked(value: Any, volatile: frozenset[str]) -> Any:
    if not volatile:
        return value
    if isinstance(value, dict):
        return {
            k: "<volatile>" if k in volatile and isinstance(v, str) else _masked(v, volatile)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_masked(item, volatile) for item in value]
    return value


def _json(value: Any) -> str:
    # No default=: a value the answer's JSON could not carry (a Decimal, a date object left
    # unserialized) fails here rather than being compared as its repr.
    return orjson.dumps(value).decode()


def _error(error: graphql.GraphQLError, request_id: str, executed: bool) -> str:
    raw = {
        "message": error.message,
        "path": error.path,
        "locations": [[loc.line, loc.column] for loc in error.locations or []],
        "extensions": error.extensions,
        "cause": type(error.original_error).__name__ if error.original_error else None,
    }
    shown = format_error(error, request_id, executed)
    return _json({"shown": shown, "raw": raw})


def differences(reference: Answer, candidate: Answer) -> list[str]:
    """What differs, said for a failing test; empty when the answers are the same."""
    found: list[str] = []
    if reference.data != candidate.data:
        found.append(f"data:\n  reference {reference.data}\n  candidate {candidate.data}")
    if reference.errors != candidate.errors:
        only_reference = [e for e in reference.errors if e not in candidate.errors]
        only_candidate = [e for e in candidate.errors if e not in reference.errors]
        found.append(
            "errors:\n  only in reference "
            + "\n    ".join(only_reference or ["(none)"])
            + "\n  only in candidate "
            + "\n    ".join(only_candidate or ["(none: the same errors, counted differently)"])
        )
    if reference.extensions != candidate.extensions:
        found.append(f"extensions: {reference.extensions} != {candidate.extensions}")
    return found
