"""The comparison itself can fail: candidates that are wrong in the ways a compiled plan
could be wrong (key order, a lost error path, an error's cause, a swallowed error, a
value's JSON type, a null that should have propagated) are each caught, on the page's home
screen with billing failing, and the faithful executor is not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import graphql
import pytest

from domain.principals import SubscriberPrincipal
from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient
from tests.plan.executors import Executor, reference
from tests.plan.faults import Failure, Outage
from tests.plan.operations import Cast, Operation, page_operations
from tests.plan.trial import trial

Result = graphql.ExecutionResult


def _reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed(v) for k, v in reversed(list(value.items()))}
    if isinstance(value, list):
        return [_reversed(v) for v in value]
    return value


def _floats(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: float(v) if k == "amount" and isinstance(v, str) else _floats(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_floats(v) for v in value]
    return value


def _unpropagated(value: Any) -> Any:
    # A failed nullable object answered as an empty object instead of null.
    if isinstance(value, dict):
        return {
            k: {} if k == "balance" and v is None else _unpropagated(v) for k, v in value.items()
        }
    return value


def _errors(
    result: Result, change: Callable[[graphql.GraphQLError], graphql.GraphQLError]
) -> Result:
    return Result(result.data, [change(e) for e in result.errors or []], result.extensions)


def _without_path(error: graphql.GraphQLError) -> graphql.GraphQLError:
    return graphql.GraphQLError(error.message, error.nodes, original_error=error.original_error)


def _without_cause(error: graphql.GraphQLError) -> graphql.GraphQLError:
    return graphql.GraphQLError(error.message, error.nodes, path=error.path)


WRONG: dict[str, Callable[[Result], Result]] = {
    "key order": lambda r: Result(_reversed(r.data), r.errors, r.extensions),
    "scalar as float": lambda r: Result(_floats(r.data), r.errors, r.extensions),
    "null not propagated": lambda r: Result(_unpropagated(r.data), r.errors, r.extensions),
    "error without path": lambda r: _errors(r, _without_path),
    "error without its cause": lambda r: _errors(r, _without_cause),
    "an error swallowed": lambda r: Result(r.data, (r.errors or [])[1:], r.extensions),
    "one error twice": lambda r: Result(r.data, [*(r.errors or []), *(r.errors or [])[:1]]),
}


def _wrong(change: Callable[[Result], Result]) -> Executor:
    async def run(
        schema: graphql.GraphQLSchema,
        document: graphql.DocumentNode,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: Any,
    ) -> Result:
        return change(await reference(schema, document, variables, operation_name, context))

    return run


def _home_screen(cast: Cast) -> Operation:
    return Operation(
        "HomeScreen",
        page_operations()["HomeScreen"],
        {"msisdn": cast.own},
        SubscriberPrincipal(cast.own),
    )


# Billing failing gives errors with paths (balance, expenses) beside data that is there.
BILLING_DOWN = Outage((("billing", Failure.ERROR),))


@pytest.mark.parametrize("wrong", list(WRONG))
async def test_a_wrong_candidate_is_caught(
    plan_gateway: GatewayClient, admins: dict[str, BackendAdmin], cast: Cast, wrong: str
) -> None:
    verdict = await trial(
        plan_gateway.runtime, admins, _home_screen(cast), BILLING_DOWN, against=_wrong(WRONG[wrong])
    )
    assert len(verdict.reference.errors) >= 2, verdict.reference.errors
    assert verdict.differences, wrong


async def test_the_faithful_candidate_is_not(
    plan_gateway: GatewayClient, admins: dict[str, BackendAdmin], cast: Cast
) -> None:
    verdict = await trial(plan_gateway.runtime, admins, _home_screen(cast), BILLING_DOWN)
    assert verdict.differences == ()
    assert len(verdict.reference.errors) >= 2
    assert '"balance":null' in verdict.reference.data
