"""Resources that move through states over time: provisioning's orders, billing's
statements.

A step moves one resource one state on and says whether that state is final. The service
setting ``step_ms`` says how time drives the steps: ``0`` runs them all inside the request
that created the resource (its answer already shows the final state); above 0 a
background task takes one step every ``step_ms`` milliseconds. ``advance`` takes one step
at once, which is what the admin ``.../advance`` routes call so that a test can walk a
resource through its states without sleeping (give it a long ``step_ms``). Steps of one
resource never overlap.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)

Step = Callable[[], Awaitable[bool]]  # True when the resource reached a final state


class Stepper:
    def __init__(self, step_ms: float) -> None:
        if step_ms < 0:
            raise ValueError("step_ms must not be negative")
        self._step_seconds = step_ms / 1000.0
        self._steps: dict[str, Step] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._timers: set[asyncio.Task[None]] = set()

    async def run(self, key: str, step: Step) -> None:
        """Start moving a new resource: to the end at once (``step_ms`` 0) or on a timer."""
        if self._step_seconds == 0:
            while not await step():
                pass
            return
        self._steps[key] = step
        self._locks[key] = asyncio.Lock()
        timer = asyncio.get_running_loop().create_task(self._drive(key), name=f"steps {key}")
        self._timers.add(timer)
        timer.add_done_callback(self._timers.discard)

    def pending(self, key: str) -> bool:
        return key in self._steps

    async def advance(self, key: str) -> bool | None:
        """Take one step now: whether it was final, or None when nothing is pending."""
        lock = self._locks.get(key)
        if lock is None:
            return None
        async with lock:
            step = self._steps.get(key)
            if step is None:  # finished while this call waited
                return None
            final = await step()
            if final:
                self._steps.pop(key, None)
                self._locks.pop(key, None)
            return final

    async def close(self) -> None:
        timers = list(self._timers)
        for timer in timers:
            timer.cancel()
        for timer in timers:
            with contextlib.suppress(asyncio.CancelledError):
                await timer

    async def _drive(self, key: str) -> None:
        while self.pending(key):
            await asyncio.sleep(self._step_seconds)
            try:
                await self.advance(key)
            except Exception:
                # A broken step must not retry for ever in the background.
                log.exception("a step of %s failed; it is no longer driven", key)
                self._steps.pop(key, None)
                self._locks.pop(key, None)


def attach_stepper(app: web.Application, key: web.AppKey[Stepper], step_ms: float) -> None:
    """Store a new ``Stepper`` on ``app`` and stop its timers when the app shuts down."""
    steps = app[key] = Stepper(step_ms)

    async def stop(app: web.Application) -> None:
        await steps.close()

    app.on_shutdown.append(stop)
