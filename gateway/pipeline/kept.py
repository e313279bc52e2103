"""Whether an operation's whole answer may be kept, and under which key (what may be kept
is gateway/answers.py's rule; the store is adapters/cache/answers.py)."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.cache.answers import AnswerCache
from domain.principals import SubscriberPrincipal
from gateway.answers import answer_key, may_keep
from gateway.runtime import Runtime
from gateway.shape import Shape
from gateway.transport import OperationRequest
from resolvers.context import Context


@dataclass(frozen=True, slots=True)
class KeptAnswer:
    answers: AnswerCache
    msisdn: str
    key: str


def keeping(
    runtime: Runtime, context: Context, operation: OperationRequest, query: str, shape: Shape
) -> KeptAnswer | None:
    """Where this operation's whole answer may be kept, if anywhere: a subscriber's own
    screen, without variables, of fields that every change to the number drops."""
    answers = runtime.ports.answers
    principal = context.principal
    if (
        answers is None
        or not isinstance(principal, SubscriberPrincipal)
        or operation.variables
        or not may_keep(shape)
    ):
        return None
    return KeptAnswer(answers, principal.msisdn, answer_key(query, operation.operation_name))
