"""Faults of each payment operation on its own (authorize, capture, void, refund), so a
test can break one step of a top-up and leave the others working.

Per operation a mode, set through ``PUT /admin/payment-faults`` (``{"capture": "refuse"}``;
``""`` clears it):

- ``error``: a 500 before anything is done;
- ``refuse``: a 422 ``PROCESSOR_REFUSED`` before anything is done (refused for good);
- ``lose``: done, then the connection is dropped without an answer (the outcome the caller
  cannot know);
- ``hang``: held before anything is done until the mode changes; a caller gone by then
  (killed mid-request) gets nothing and nothing is done;
- ``hang_after``: done, then the answer is held until the mode changes (the caller waits
  on an operation that has already acted: a gateway killed there left it unrecorded).

A hold gives up after ``HANG_LIMIT_SECONDS`` (a 503), so a forgotten fault cannot pin a
test run for ever.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from backends.kit.errors import TmfError, bad_request, unprocessable
from backends.kit.faults import HANG_LIMIT_SECONDS, caller_gone

OPERATIONS = ("authorize", "capture", "void", "refund")
MODES = ("", "error", "refuse", "lose", "hang", "hang_after")
HOLDS = ("hang", "hang_after")


@dataclass
class PaymentFaults:
    modes: dict[str, str] = field(default_factory=dict)
    # Set whenever the modes change, so a held request looks again at its operation's mode.
    _changed: asyncio.Event = field(default_factory=asyncio.Event, repr=False, compare=False)

    def to_json(self) -> dict[str, str]:
        return {op: self.modes.get(op, "") for op in OPERATIONS}

    def update(self, changes: dict[str, object]) -> None:
        for op, mode in changes.items():
            if op not in OPERATIONS:
                raise bad_request(f"unknown payment operation {op!r} (known: {OPERATIONS})")
            if mode not in MODES:
                raise bad_request(f"a payment fault is one of {MODES}, not {mode!r}")
            self.modes[op] = str(mode)
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def _hold(self, op: str, mode: str) -> None:
        """Wait until `op`'s mode is no longer `mode` (bounded by the hang limit)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + HANG_LIMIT_SECONDS
        while self.modes.get(op, "") == mode:
            try:
                await asyncio.wait_for(self._changed.wait(), deadline - loop.time())
            except TimeoutError:
                raise TmfError(
                    503, "HANG_TIMEOUT", "Service unavailable", f"held by the {mode} fault"
                ) from None

    async def run(
        self, request: web.Request, op: str, act: Callable[[], Awaitable[web.Response]]
    ) -> web.Response:
        mode = self.modes.get(op, "")
        if mode == "error":
            raise TmfError(500, "INJECTED_FAULT", "Internal error", f"injected on {op}")
        if mode == "refuse":
            raise unprocessable("PROCESSOR_REFUSED", f"the processor refused the {op}")
        if mode == "hang":
            await self._hold(op, mode)
            if caller_gone(request):
                return web.Response(status=503)  # written to no one: the caller is gone
        response = await act()
        if mode == "hang_after":
            await self._hold(op, mode)
        if mode == "lose" and request.transport is not None:
            # Done, and the answer never leaves: the caller sees the connection drop.
            request.transport.close()
        return response


PAYMENT_FAULTS = web.AppKey("payment_faults", PaymentFaults)

routes = web.RouteTableDef()


@routes.get("/admin/payment-faults")
async def get_payment_faults(request: web.Request) -> web.Response:
    return web.json_response(request.app[PAYMENT_FAULTS].to_json())


@routes.put("/admin/payment-faults")
async def put_payment_faults(request: web.Request) -> web.Response:
    body = await request.json()
    if not isinstance(body, dict):
        raise bad_request("a JSON object of operation: mode")
    faults = request.app[PAYMENT_FAULTS]
    faults.update(body)
    return web.json_response(faults.to_json())
