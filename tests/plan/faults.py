"""The failing-backend control of the differential test: which backends fail, and how.

A fault must hit the reference and the candidate alike, or the two answers would differ
by chance and the test would prove nothing. So a fault here is decided per backend and
holds for a whole trial: every call to a failing backend fails, the same way, for both
executors (the simulators' `down`: the connection drops, or `error_rate=1.0`: every call
answers 500). The simulators' own random `error_rate` below 1 is not used: it draws per
HTTP call, and the calls of the two executors need not be the same calls (a plan may
batch the same reads differently), so a per-call draw would fail one and not the other.
For the same reason no fault is decided per number: a backend read is one call for the
whole batch of numbers, so a per-number fault fails the batch, and which numbers share a
batch is the executor's business, not part of its answer.

What is random is which backends fail and how: hypothesis draws an `Outage` per example
(and shrinks it), so the failures vary from example to example, each trial is
deterministic, and a failing example replays.

The gateway under test runs with breakers that never open (`breaker_failures` very high)
and one try per read: an opening breaker would turn the second executor's BACKEND_ERROR
into BACKEND_UNAVAILABLE, the answer's history rather than the executor's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from tests.harness.backends import NO_FAULTS, BackendAdmin

# The backends a query reads (sms is only written to: login codes).
READ_BACKENDS = ("billing", "provisioning", "loyalty", "support")

# Settings of the gateway under test (see the module's docstring). Timeouts are generous
# too: a Redis call slower than TGW_REDIS_TIMEOUT (0.25 s) counts as a cache miss and skips
# the cache for a while, a slow backend call times out, and on a loaded machine either
# would make one executor's run differ from the other's by chance. (A failing backend
# here fails at once: the connection drops, or a 500.)
STEADY_BACKENDS: dict[str, Any] = {
    "breaker_failures": 1_000_000,
    "retry_attempts": 1,
    "redis_timeout": 5.0,
    **{f"{name}_timeout": 10.0 for name in ("billing", "provisioning", "loyalty", "support")},
}


class Failure(Enum):
    DOWN = "down"  # the connection drops: BACKEND_UNAVAILABLE
    ERROR = "error"  # every call answers 500: BACKEND_ERROR

    def faults(self) -> dict[str, Any]:
        if self is Failure.DOWN:
            return {"down": True}
        return {"error_rate": 1.0}


@dataclass(frozen=True, slots=True)
class Outage:
    """Which backends fail, and how, for one trial. Empty: everything answers."""

    failing: tuple[tuple[str, Failure], ...] = ()

    def __str__(self) -> str:
        return ", ".join(f"{name} {failure.value}" for name, failure in self.failing) or "none"

    async def apply(self, admins: Mapping[str, BackendAdmin]) -> None:
        failing = dict(self.failing)
        for name, admin in admins.items():
            failure = failing.get(name)
            await admin.faults(**{**NO_FAULTS, **(failure.faults() if failure else {})})

    async def clear(self, admins: Mapping[str, BackendAdmin]) -> None:
        for admin in admins.values():
            await admin.faults(**NO_FAULTS)


NONE = Outage()
