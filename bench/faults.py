"""The soak's faults: what goes wrong, when, and how it is undone.

Backend faults go through each simulator's ``PUT /admin/faults`` (docs/backends.md:
latency, jitter, error_rate, hang, down); Redis is stopped and started again on its
port. A ``Fault`` is applied, held for a while, then cleared; between two faults the
system gets a quiet spell to recover (breakers close, Redis reconnects). The schedule
repeats for as long as the soak lasts, leaving quiet time at both ends: the start for
warm-up, the end for the top-ups whose outcome was unknown to be retried.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tests.harness.redis_server import RedisServer

CLEAR: dict[str, object] = {
    "error_rate": 0.0,
    "hang": False,
    "down": False,
    "jitter_ms": 0.0,
}


def put_faults(url: str, fields: Mapping[str, object]) -> None:
    request = urllib.request.Request(  # noqa: S310 - loopback simulators only
        f"{url}/admin/faults",
        data=json.dumps(dict(fields)).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
        answer.read()


@dataclass(frozen=True)
class Fault:
    name: str
    apply: Callable[[], None]
    clear: Callable[[], None]


def schedule(urls: Mapping[str, str], redis: RedisServer, latency_ms: float) -> list[Fault]:
    """The faults in the order they come; each clears back to the base latency."""
    base = {**CLEAR, "latency_ms": latency_ms}

    def backend(name: str, fields: Mapping[str, object], label: str) -> Fault:
        url = urls[name]
        return Fault(
            f"{name}: {label}",
            lambda: put_faults(url, {**base, **fields}),
            lambda: put_faults(url, base),
        )

    return [
        backend("billing", {"error_rate": 0.3}, "30% errors"),
        backend("provisioning", {"latency_ms": 400.0, "jitter_ms": 300.0}, "slow (400-700 ms)"),
        backend("loyalty", {"down": True}, "down (connections dropped)"),
        # Slower than the gateway's billing timeout (2 s): a top-up can be made by billing
        # after the gateway gave up on it; only a retry with the same key may settle it.
        backend("billing", {"latency_ms": 2500.0}, "slower than the gateway's timeout"),
        Fault("redis: stopped, then started again (empty)", redis.stop, redis.start),
        backend("billing", {"down": True}, "down (connections dropped)"),
        backend("provisioning", {"error_rate": 0.5}, "50% errors"),
    ]


def clear_all(urls: Mapping[str, str], latency_ms: float) -> None:
    for url in urls.values():
        put_faults(url, {**CLEAR, "latency_ms": latency_ms})
