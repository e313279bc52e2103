"""What an action answers: its result values and typed user errors, in one JSON-able
record so that a replay under the same idempotency key answers the same."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson

from adapters.errors import BackendRefusalError
from domain.principals import AgentPrincipal
from domain.reach import Reach
from resolvers.access import reach
from resolvers.context import Context
from resolvers.errors import ForbiddenError


@dataclass(frozen=True, slots=True)
class UserErrorRecord:
    code: str
    message: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class ActionResult:
    msisdn: str
    values: dict[str, str] = field(default_factory=dict)
    user_errors: tuple[UserErrorRecord, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.user_errors


class RefusedInputError(Exception):
    """Raised by validation: becomes the action's userErrors, with nothing changed."""

    def __init__(self, *errors: UserErrorRecord) -> None:
        super().__init__(errors[0].message)
        self.errors = errors


def refuse(code: str, message: str, field: str | None = None) -> RefusedInputError:
    return RefusedInputError(UserErrorRecord(code, message, field))


def encode(result: ActionResult) -> bytes:
    return orjson.dumps(
        {
            "m": result.msisdn,
            "v": result.values,
            "e": [[e.code, e.message, e.field] for e in result.user_errors],
        }
    )


def decode(data: bytes) -> ActionResult:
    raw: dict[str, Any] = orjson.loads(data)
    return ActionResult(
        raw["m"], dict(raw["v"]), tuple(UserErrorRecord(c, m, f) for c, m, f in raw["e"])
    )


async def reach_for_change(ctx: Context, msisdn: str) -> Reach:
    """Own or confirmed linked numbers only: an agent's token reads, it does not pay."""
    if isinstance(ctx.principal, AgentPrincipal):
        raise ForbiddenError("agents do not make changes on a subscriber's behalf")
    return await reach(ctx, msisdn)


def backend_key(ctx: Context, mutation: str, key: str, step: str) -> str:
    """The key sent on to a backend: stable for a retry of the same request, distinct per
    caller (backends keep keys per service, not per subscriber) and per step."""
    principal = ctx.principal
    who = getattr(principal, "msisdn", None) or getattr(principal, "name", "")
    digest = hashlib.sha256(f"{who}\0{mutation}\0{key}".encode()).hexdigest()[:40]
    return f"tgw-{digest}-{step}"


# The backends' refusal codes, as the app's user error codes.
REFUSALS: dict[str, tuple[str, str | None]] = {
    "INSUFFICIENT_BALANCE": ("INSUFFICIENT_BALANCE", None),
    "INSUFFICIENT_FUNDS": ("PAYMENT_DECLINED", "paymentMethod"),
    "CARD_DECLINED": ("PAYMENT_DECLINED", "paymentMethod"),
    "PAYMENT_DECLINED": ("PAYMENT_DECLINED", "paymentMethod"),
    "INVALID_PAYMENT_METHOD": ("INVALID_PAYMENT_METHOD", "paymentMethod"),
    "UNKNOWN_PAYMENT_METHOD": ("INVALID_PAYMENT_METHOD", "paymentMethod"),
    "INVALID_AMOUNT": ("INVALID_AMOUNT", "amount"),
    "UNKNOWN_RECEIVER": ("NOT_OPERATOR_NUMBER", "toMsisdn"),
    "SELF_TRANSFER": ("INVALID_INPUT", "toMsisdn"),
    "INVALID_PERIOD": ("INVALID_PERIOD", "from"),
    "INVALID_EMAIL": ("INVALID_EMAIL", "email"),
    "EMAIL_REQUIRED": ("EMAIL_REQUIRED", "email"),
    "NOT_A_MEMBER": ("EMAIL_REQUIRED", "email"),
    "ALREADY_ACTIVE": ("OFFER_ALREADY_ACTIVE", "offerId"),
    "SERVICE_NOT_AVAILABLE": ("SERVICE_NOT_AVAILABLE", "serviceId"),
    "ALREADY_CONNECTED": ("ALREADY_CONNECTED", "serviceId"),
    "NOT_CONNECTED": ("NOT_CONNECTED", "serviceId"),
    "VALUE_NOT_ALLOWED": ("VALUE_NOT_ALLOWED", None),
    "SAME_TARIFF": ("SAME_TARIFF", "tariffId"),
    "ORDER_IN_PROGRESS": ("ORDER_IN_PROGRESS", None),
    "UNKNOWN_OFFERING": ("NOT_FOUND", None),
}


def from_refusal(msisdn: str, refusal: BackendRefusalError) -> ActionResult:
    code, field_name = REFUSALS.get(refusal.reason, ("REFUSED", None))
    return ActionResult(
        msisdn, user_errors=(UserErrorRecord(code, _MESSAGES.get(code, code), field_name),)
    )


_MESSAGES = {
    "INSUFFICIENT_BALANCE": "not enough on the balance",
    "PAYMENT_DECLINED": "the payment was declined",
    "INVALID_PAYMENT_METHOD": "this payment method cannot be used",
    "INVALID_AMOUNT": "this amount is not allowed",
    "NOT_OPERATOR_NUMBER": "only numbers of this operator",
    "INVALID_PERIOD": "the period is not allowed",
    "INVALID_EMAIL": "not a valid e-mail address",
    "EMAIL_REQUIRED": "the first activation needs an e-mail address",
    "OFFER_ALREADY_ACTIVE": "this offer is already active",
    "SERVICE_NOT_AVAILABLE": "this service is not available on your tariff",
    "ALREADY_CONNECTED": "this service is already connected",
    "NOT_CONNECTED": "this service is not connected",
    "VALUE_NOT_ALLOWED": "this value is not allowed by the tariff",
    "SAME_TARIFF": "this is your tariff already",
    "ORDER_IN_PROGRESS": "a change of this is already in progress",
    "NOT_FOUND": "no such item in the catalog",
}
