"""What a client sees of a finished top-up saga: the top-up, or a typed user error that
says whether money was taken."""

from __future__ import annotations

from resolvers.actions.outcome import REFUSALS, ActionResult, UserErrorRecord
from resolvers.money.saga_record import Step, TopUpSaga

NOT_CREDITED = "TOP_UP_NOT_CREDITED"


def top_up_result(saga: TopUpSaga) -> ActionResult:
    msisdn = saga.msisdn
    if saga.step is Step.DONE:
        return ActionResult(
            msisdn,
            {
                "topUpId": saga.credit_id or "",
                "paymentId": saga.payment_id or "",
                "amount": str(saga.amount),
            },
        )
    if saga.step is Step.DECLINED:
        code, field = REFUSALS.get(saga.reason or "", ("PAYMENT_DECLINED", "paymentMethod"))
        reason = saga.reason or "no reason given"
        return _refused(msisdn, code, f"the payment was declined ({reason})", field)
    if saga.step is Step.UNKNOWN_NUMBER:
        return _refused(
            msisdn, "NOT_FOUND", "billing does not know this number; nothing was charged"
        )
    if saga.step is Step.NOT_CREDITED and saga.returned:
        return _refused(
            msisdn, NOT_CREDITED, "billing did not take the top-up; the money was returned"
        )
    if saga.step in (Step.NOT_CREDITED, Step.ABANDONED):
        return _refused(
            msisdn, NOT_CREDITED, "billing did not take the top-up; the money was not taken"
        )
    raise AssertionError(f"top-up saga {saga.id} is still open at {saga.step}")


def _refused(msisdn: str, code: str, message: str, field: str | None = None) -> ActionResult:
    return ActionResult(msisdn, user_errors=(UserErrorRecord(code, message, field),))
