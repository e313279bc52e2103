"""A top-up as a saga: the money is held on the card, put on the balance under the
gateway's key, then taken; charged once and credited once, or neither.

Every step's record is written to the saga log before the step acts, so a crash leaves a
record naming the step that may or may not have happened. Such a step is settled by
reading (payments finds an authorization by its key; billing finds a credit by its key),
never by sending again blindly: billing systems without idempotency (SigScale OCS) would
credit twice. A credit whose outcome is unknown and that billing does not show is sent
again only after `settle_seconds`, when a request that was held on the way has had its
time to land.

    number known? --no--> UNKNOWN_NUMBER (card untouched)
    AUTHORIZING --declined--> DECLINED
        | held
    CREDITING --refused for good--> VOIDING --> NOT_CREDITED (hold released / refunded)
        | credited
    CAPTURING --refused for good--> REVERSING (credit taken back) --> VOIDING
        | taken
    DONE

A saga is driven by one process at a time (a lease in the log); the request that starts
it drives it, and the recovery worker (`recover_open`) finishes what a crash, a restart
or an unknown outcome left open.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from adapters.billing.credits import CreditsPort
from adapters.clock import Clock
from adapters.errors import BackendError, BackendRefusalError, BackendResponseError
from adapters.payments.port import PaymentsPort
from adapters.sagas.port import SagaLog
from domain.money import Money
from domain.payments import PaymentMethodSpec, PaymentRecord
from resolvers.errors import GatewayError
from resolvers.money.saga_record import Step, TopUpSaga

log = logging.getLogger(__name__)

KEEP_FINISHED = 24 * 3600.0  # as long as an idempotency key's result is replayed
T = TypeVar("T")
Checkpoint = Callable[[str], Awaitable[None]]
OnCredited = Callable[[str], Awaitable[None]]


class SagaBusyError(GatewayError):
    """Another process drives this top-up right now, or its outcome is being settled."""

    code = "IDEMPOTENCY_IN_PROGRESS"


def refused_for_good(error: BackendError) -> bool:
    """A 4xx answer: the request was read and refused, it will not go through later. A
    timeout, a dropped connection or a 5xx leave the outcome unknown."""
    if not isinstance(error, BackendResponseError) or error.status is None:
        return False
    return 400 <= error.status < 500 and error.status not in (408, 429)


async def _no_checkpoint(boundary: str) -> None:
    return None


async def _nothing(msisdn: str) -> None:
    return None


@dataclass
class TopUpSagas:
    payments: PaymentsPort
    credits: CreditsPort
    log: SagaLog
    clock: Clock
    lease_seconds: float = 30.0
    settle_seconds: float = 30.0
    on_credited: OnCredited = _nothing
    # A test's seam: called at each boundary between a step acting and its record being
    # written ("authorized", "credited", "captured"), where a crash hurts most.
    checkpoint: Checkpoint = _no_checkpoint
    owner: str = field(default_factory=lambda: uuid.uuid4().hex)
    # Sagas this process is driving now: the lease is per process, so the request and
    # the recovery worker of one process must not both drive the same saga.
    _driving: set[str] = field(default_factory=set)

    async def top_up(
        self,
        saga_id: str,
        msisdn: str,
        amount: Money,
        method: PaymentMethodSpec,
        payment_key: str,
        credit_key: str,
    ) -> TopUpSaga:
        """Run (or continue, or read the outcome of) the top-up saga `saga_id`."""
        raw = await self.log.load(saga_id)
        if raw is None:
            saga = TopUpSaga(
                saga_id,
                msisdn,
                amount.amount,
                amount.currency,
                payment_key,
                credit_key,
                Step.AUTHORIZING,
                self._now(),
            )
            # Read before the card is touched: a number billing lacks is refused here.
            if not await self.credits.knows(msisdn):
                return saga.at(Step.UNKNOWN_NUMBER)
            if not await self.log.create(saga_id, saga.encode()):
                raw = await self.log.load(saga_id)
        if raw is not None:
            saga = TopUpSaga.decode(raw)
        if saga.finished:
            return saga
        return await self._owned(saga, method)

    async def finished(self, saga_id: str) -> TopUpSaga | None:
        """The saga if it has finished, else None (open, or never started)."""
        raw = await self.log.load(saga_id)
        if raw is None:
            return None
        saga = TopUpSaga.decode(raw)
        return saga if saga.finished else None

    async def recover_open(self, limit: int = 100) -> int:
        """Drive every open saga this process can take to its end; how many finished."""
        finished = 0
        for saga_id in await self.log.open_ids(limit):
            raw = await self.log.load(saga_id)
            if raw is None:
                continue
            saga = TopUpSaga.decode(raw)
            if saga.finished:
                continue
            try:
                done = await self._owned(saga, None)
            except SagaBusyError:
                continue
            except BackendError as exc:
                log.warning("top-up saga %s still open at %s: %s", saga.id, saga.step, exc)
                continue
            if done.finished:
                finished += 1
        return finished

    async def _owned(self, saga: TopUpSaga, method: PaymentMethodSpec | None) -> TopUpSaga:
        if saga.id in self._driving or not await self.log.lease(
            saga.id, self.owner, self.lease_seconds
        ):
            raise SagaBusyError("this top-up is being completed; retry shortly")
        self._driving.add(saga.id)
        try:
            result = await self._drive(saga, method)
        except Exception:
            await self.log.release(saga.id, self.owner)
            raise
        finally:
            self._driving.discard(saga.id)
        # A crash (or a cancelled task) releases nothing: the lease runs out instead.
        await self.log.release(saga.id, self.owner)
        return result

    async def _drive(self, saga: TopUpSaga, method: PaymentMethodSpec | None) -> TopUpSaga:
        while not saga.finished:
            if not await self.log.lease(saga.id, self.owner, self.lease_seconds):
                raise SagaBusyError("this top-up is being completed elsewhere")
            saga = await self._step(saga, method)
            await self.log.save(saga.id, saga.encode(), finished=saga.finished, keep=KEEP_FINISHED)
            if saga.step is Step.DONE:
                await self.on_credited(saga.msisdn)
            if saga.finished:
                log.info("top-up saga %s finished: %s", saga.id, saga.step)
        return saga

    async def _step(self, saga: TopUpSaga, method: PaymentMethodSpec | None) -> TopUpSaga:
        if saga.step is Step.AUTHORIZING:
            return await self._authorize(saga, method)
        if saga.step is Step.CREDITING:
            return await self._credit(saga)
        if saga.step is Step.CAPTURING:
            return await self._capture(saga)
        if saga.step is Step.REVERSING:
            assert saga.credit_id is not None
            await self.credits.take_back(saga.msisdn, saga.credit_id)
            return saga.at(Step.VOIDING, credit_id=None)
        if saga.step is Step.VOIDING:
            return await self._void(saga)
        raise AssertionError(f"no step after {saga.step}")

    async def _authorize(self, saga: TopUpSaga, method: PaymentMethodSpec | None) -> TopUpSaga:
        if method is None:
            # Recovery has no card token (tokens are never written down): find what
            # reached payments under the key, or give up once nothing can still land.
            found = await self.payments.find(saga.payment_key)
            if found is not None:
                return await self._authorized(saga, found)
            if self._now() - saga.started_at >= self.settle_seconds:
                return saga.at(Step.ABANDONED)
            raise SagaBusyError("the payment's outcome is being settled; retry shortly")
        try:
            payment = await self.payments.authorize(
                saga.msisdn, saga.money, method, saga.payment_key
            )
        except BackendRefusalError as refusal:
            return saga.at(Step.DECLINED, reason=refusal.reason)
        except BackendError as error:
            if refused_for_good(error):
                return saga.at(Step.DECLINED, reason="PAYMENT_DECLINED")
            # Sent, outcome unknown: the key finds it if it arrived (payments also keeps
            # the key, so the client's retry re-sending it cannot hold the money twice).
            found = await self._read_or_raise(self.payments.find(saga.payment_key), error)
            if found is None:
                raise
            payment = found
        return await self._authorized(saga, payment)

    async def _authorized(self, saga: TopUpSaga, payment: PaymentRecord) -> TopUpSaga:
        await self.checkpoint("authorized")
        if payment.status == "declined":
            return saga.at(Step.DECLINED, payment_id=payment.id, reason=payment.decline_reason)
        if payment.status == "voided":
            return saga.at(Step.NOT_CREDITED, payment_id=payment.id, reason="VOIDED")
        return saga.at(Step.CREDITING, payment_id=payment.id)

    async def _credit(self, saga: TopUpSaga) -> TopUpSaga:
        assert saga.payment_id is not None
        if saga.credit_sent_at is not None:
            # Sent before, outcome never known: read first.
            found = await self.credits.find(saga.msisdn, saga.payment_id, saga.credit_key)
            if found is not None:
                return saga.at(Step.CAPTURING, credit_id=found)
            if self._now() - saga.credit_sent_at < self.settle_seconds:
                raise SagaBusyError("the credit's outcome is being settled; retry shortly")
        sent = saga.at(Step.CREDITING, credit_sent_at=self._now())
        # Written before it is sent: a crash after this line is settled by reading.
        await self.log.save(saga.id, sent.encode(), finished=False, keep=KEEP_FINISHED)
        # The lease again, just before the one send that is not idempotent everywhere: a
        # step that ran long may have let another process take the saga over.
        if not await self.log.lease(saga.id, self.owner, self.lease_seconds):
            raise SagaBusyError("this top-up is being completed elsewhere")
        try:
            credit_id = await self.credits.credit(
                saga.msisdn, saga.money, saga.payment_id, saga.credit_key
            )
        except ValueError as wrong:
            log.error("top-up saga %s: billing cannot take %s: %s", saga.id, saga.money, wrong)
            return sent.at(Step.VOIDING, reason="REFUSED")
        except BackendError as error:
            if refused_for_good(error) and saga.credit_sent_at is not None:
                # Refused now, but an earlier send of this saga may have landed after all.
                found = await self._read_or_raise(
                    self.credits.find(saga.msisdn, saga.payment_id, saga.credit_key), error
                )
                if found is not None:
                    await self.checkpoint("credited")
                    return sent.at(Step.CAPTURING, credit_id=found)
            if refused_for_good(error):
                log.warning("top-up saga %s: billing refused the credit: %s", saga.id, error)
                reason = error.reason if isinstance(error, BackendRefusalError) else "REFUSED"
                return sent.at(Step.VOIDING, reason=reason)
            found = await self._read_or_raise(
                self.credits.find(saga.msisdn, saga.payment_id, saga.credit_key), error
            )
            if found is None:
                raise
            credit_id = found
        await self.checkpoint("credited")
        return sent.at(Step.CAPTURING, credit_id=credit_id)

    async def _capture(self, saga: TopUpSaga) -> TopUpSaga:
        assert saga.payment_id is not None
        try:
            payment = await self.payments.capture(saga.payment_id, saga.payment_key + "-capture")
        except BackendError as error:
            if refused_for_good(error):
                log.warning("top-up saga %s: payments refused the capture: %s", saga.id, error)
                return saga.at(Step.REVERSING, reason="CAPTURE_REFUSED")
            payment = await self._read_or_raise(self.payments.payment(saga.payment_id), error)
            if payment.status == "authorized":
                raise  # not taken yet: the next pass captures it (payments keeps the key)
        await self.checkpoint("captured")
        if payment.status in ("captured", "succeeded"):
            return saga.at(Step.DONE)
        return saga.at(Step.REVERSING, reason=f"PAYMENT_{payment.status.upper()}")

    async def _void(self, saga: TopUpSaga) -> TopUpSaga:
        assert saga.payment_id is not None
        payment = await self.payments.payment(saga.payment_id)
        if payment.status == "authorized":
            await self.payments.void(saga.payment_id, saga.payment_key + "-void")
            return saga.at(Step.NOT_CREDITED)
        if payment.status in ("captured", "succeeded"):
            left = payment.amount.amount - (payment.refunded.amount if payment.refunded else 0)
            if left > 0:
                await self.payments.refund(
                    saga.payment_id,
                    Money(left, payment.amount.currency),
                    saga.payment_key + "-refund",
                )
            return saga.at(Step.NOT_CREDITED, returned=True)
        return saga.at(Step.NOT_CREDITED)

    async def _read_or_raise(self, read: Awaitable[T], error: BackendError) -> T:
        """A read that settles an unknown outcome; when it fails too, the first error is
        the one to report (the saga stays open for recovery)."""
        try:
            return await read
        except BackendError:
            raise error from None

    def _now(self) -> float:
        return self.clock.now().timestamp()
