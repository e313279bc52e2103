"""Injected latency and failures, so the gateway's timeouts, retries and breakers can be
exercised against a backend that misbehaves on request.

The settings are read and replaced at run time through ``/admin/faults``; admin routes are
exempt, so a test can always reach a service it has broken.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from backends.kit.errors import TmfError, bad_request

# A hung request gives up after this long, so a forgotten `hang` cannot pin a client
# (or a test run) for ever.
HANG_LIMIT_SECONDS = 300.0


@dataclass(frozen=True)
class Faults:
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0
    hang: bool = False
    down: bool = False
    # A change (any method but GET) is made, then its answer is lost: the connection drops
    # as the answer would leave, so the caller cannot know the outcome.
    lose_answer: bool = False
    # A change (any method but GET) whose path contains this text is refused for good:
    # a 422 REFUSED_BY_FAULT, nothing done. Empty: off.
    refuse_path: str = ""
    # A change (any method but GET) whose path contains this text is held until this is
    # cleared, then dropped unanswered if its caller went away meanwhile (a caller killed
    # mid-request: nothing done). Other requests pass. Empty: off.
    hang_path: str = ""

    def __post_init__(self) -> None:
        if self.latency_ms < 0 or self.jitter_ms < 0:
            raise ValueError("latency_ms and jitter_ms must not be negative")
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError("error_rate must be between 0 and 1")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, changes: dict[str, Any]) -> Faults:
        """These faults with the fields named in ``changes`` replaced (a PUT body).

        Raises a 400 TmfError on an unknown field or a value of the wrong type.
        """
        types = {field.name: field.type for field in fields(self)}
        for name, value in changes.items():
            if name not in types:
                raise bad_request(f"unknown fault {name!r} (known: {', '.join(types)})")
            if types[name] == "bool":
                if not isinstance(value, bool):
                    raise bad_request(f"{name!r} must be true or false")
            elif types[name] == "str":
                if not isinstance(value, str):
                    raise bad_request(f"{name!r} must be a string")
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise bad_request(f"{name!r} must be a number")
        try:
            return replace(self, **changes)
        except ValueError as exc:
            raise bad_request(str(exc)) from None


class FaultInjector:
    """The faults in force for one service, and the gate that hung requests wait at."""

    def __init__(self, faults: Faults) -> None:
        self._faults = faults
        self._released = asyncio.Event()
        self._path_released = asyncio.Event()
        self._random = random.Random()
        self._sync_gate()

    @property
    def faults(self) -> Faults:
        return self._faults

    def set(self, faults: Faults) -> None:
        self._faults = faults
        self._sync_gate()

    def release_all(self) -> None:
        """Let every hung request through (at shutdown, so stopping never waits on them)."""
        self._released.set()
        self._path_released.set()

    def _sync_gate(self) -> None:
        if self._faults.hang:
            self._released.clear()
        else:
            self._released.set()
        if self._faults.hang_path:
            self._path_released.clear()
        else:
            self._path_released.set()

    async def apply(self, request: web.Request) -> bool:
        """Apply the faults to one request; False when the connection was dropped."""
        if self._faults.hang:
            try:
                await asyncio.wait_for(self._released.wait(), HANG_LIMIT_SECONDS)
            except TimeoutError:
                raise TmfError(
                    503, "HANG_TIMEOUT", "Service unavailable", "held by the hang fault"
                ) from None
        hang_path = self._faults.hang_path
        if hang_path and request.method != "GET" and hang_path in request.path:
            try:
                await asyncio.wait_for(self._path_released.wait(), HANG_LIMIT_SECONDS)
            except TimeoutError:
                raise TmfError(
                    503, "HANG_TIMEOUT", "Service unavailable", "held by the hang_path fault"
                ) from None
            if caller_gone(request):
                return False
        # Read after the hang: whoever released it may have changed the rest too.
        faults = self._faults
        if faults.down:
            if request.transport is not None:
                request.transport.close()
            return False
        delay_ms = faults.latency_ms + self._random.uniform(0.0, faults.jitter_ms)
        if delay_ms > 0:
            await asyncio.sleep(delay_ms / 1000.0)
        if faults.refuse_path and request.method != "GET" and faults.refuse_path in request.path:
            raise TmfError(422, "REFUSED_BY_FAULT", "Unprocessable entity", "refused by a fault")
        if faults.error_rate > 0 and self._random.random() < faults.error_rate:
            raise TmfError(500, "INJECTED_FAULT", "Internal error", "injected by error_rate")
        return True


def caller_gone(request: web.Request) -> bool:
    """Whether the caller closed its connection (it was killed) while its request waited."""
    return request.transport is None or request.transport.is_closing()


FAULTS = web.AppKey("faults", FaultInjector)


def is_admin(request: web.Request) -> bool:
    return request.path.startswith("/admin/")


@web.middleware
async def fault_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if is_admin(request):
        return await handler(request)
    injector = request.app[FAULTS]
    if not await injector.apply(request):
        # The transport is closed: aiohttp's attempt to write this fails quietly and the
        # client sees the connection drop without an answer.
        return web.Response(status=503)
    response = await handler(request)
    if injector.faults.lose_answer and request.method != "GET" and request.transport is not None:
        request.transport.close()
    return response
