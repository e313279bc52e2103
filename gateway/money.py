"""Wiring of the money path: the top-up sagas over payments and billing (either dialect),
their log beside the idempotency claims, and the recovery worker that finishes sagas a
crash, a restart or an unknown outcome left open."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from adapters.billing.credits import CreditsPort
from adapters.billing.http import HttpBilling
from adapters.billing.ocs.billing import OcsBilling
from adapters.billing.ocs.credits import OcsCredits
from adapters.billing.port import BillingPort
from adapters.billing.tmf_credits import TmfCredits
from adapters.clock import Clock
from adapters.payments.port import PaymentsPort
from adapters.sagas.memory_store import MemorySagaLog
from adapters.sagas.port import SagaLog
from adapters.sagas.redis_store import RedisSagaLog
from gateway.settings import Settings
from resolvers.money.top_up_saga import TopUpSagas

log = logging.getLogger(__name__)
STOP_WAIT = 5.0  # seconds a stopping runtime waits for a recovery pass to end


def credits_of(billing: BillingPort) -> CreditsPort:
    if isinstance(billing, OcsBilling):
        return OcsCredits(billing)
    if isinstance(billing, HttpBilling):
        return TmfCredits(billing.client)
    raise TypeError(f"no credits for billing {type(billing).__name__}")


def build_top_ups(
    settings: Settings,
    payments: PaymentsPort,
    billing: BillingPort,
    redis: Redis | None,
    clock: Clock,
    on_credited: Callable[[str], Awaitable[None]],
) -> TopUpSagas:
    saga_log: SagaLog = (
        RedisSagaLog(redis, settings.cache_namespace) if redis is not None else MemorySagaLog(clock)
    )
    return TopUpSagas(
        payments,
        credits_of(billing),
        saga_log,
        clock,
        lease_seconds=settings.saga_lease_seconds,
        settle_seconds=settings.saga_settle_seconds,
        on_credited=on_credited,
    )


class SagaRecovery:
    """A pass over the open sagas every `interval` seconds, for as long as the runtime
    lives. A saga left open is taken up within `interval` after its lease runs out."""

    def __init__(self, sagas: TopUpSagas, interval: float) -> None:
        self._sagas = sagas
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self.passes = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="saga-recovery")

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                finished = await self._sagas.recover_open()
                if finished:
                    log.info("recovery finished %d top-up saga(s)", finished)
            except Exception:
                # Redis away, a bug: the next pass tries again; the sagas stay logged.
                log.exception("saga recovery pass failed")
            self.passes += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._interval)

    async def stop(self) -> None:
        """Stop between passes, or cut a pass short; a cancellation swallowed on the way
        (client libraries have done so) cannot keep this waiting: the flag ends the loop."""
        self._stopping.set()
        task, self._task = self._task, None
        if task is None or task.done():
            return
        task.cancel()
        await asyncio.wait({task}, timeout=STOP_WAIT)
