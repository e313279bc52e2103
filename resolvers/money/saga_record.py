"""A top-up saga's record: where it is, and what it knows, as written to the saga log."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

import orjson

from domain.money import Money


class Step(StrEnum):
    # Open: the step about to act (written before it acts).
    AUTHORIZING = "authorizing"  # holding the money on the card
    CREDITING = "crediting"  # putting it on the balance, under the saga's key
    CAPTURING = "capturing"  # taking the held money
    REVERSING = "reversing"  # the capture was refused: taking the credit back
    VOIDING = "voiding"  # releasing the hold (or refunding what was taken)
    # Finished.
    DONE = "done"  # charged once, credited once
    DECLINED = "declined"  # the card said no: nothing taken
    UNKNOWN_NUMBER = "unknown_number"  # billing has no such number: the card untouched
    NOT_CREDITED = "not_credited"  # billing refused for good: nothing taken, or returned
    ABANDONED = "abandoned"  # the authorization never reached payments: nothing taken


FINISHED = frozenset(
    {Step.DONE, Step.DECLINED, Step.UNKNOWN_NUMBER, Step.NOT_CREDITED, Step.ABANDONED}
)


@dataclass(frozen=True, slots=True)
class TopUpSaga:
    id: str
    msisdn: str
    amount: Decimal
    currency: str
    payment_key: str  # the payment's key at payments (Idempotency-Key and correlatorId)
    credit_key: str  # the credit's key at billing (OCS: the bucket's name)
    step: Step
    started_at: float  # wall clock, seconds: shared by every gateway process
    payment_id: str | None = None
    credit_id: str | None = None
    credit_sent_at: float | None = None  # when a credit whose outcome is unknown was sent
    reason: str | None = None  # a decline's reason, a refusal's code
    returned: bool = False  # money taken was refunded (rather than a hold released)

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def finished(self) -> bool:
        return self.step in FINISHED

    def at(self, step: Step, **changes: Any) -> TopUpSaga:
        return replace(self, step=step, **changes)

    def encode(self) -> bytes:
        data = asdict(self)
        data["amount"] = str(self.amount)
        return orjson.dumps(data)

    @staticmethod
    def decode(raw: bytes) -> TopUpSaga:
        data: dict[str, Any] = orjson.loads(raw)
        data["amount"] = Decimal(data["amount"])
        data["step"] = Step(data["step"])
        return TopUpSaga(**data)
