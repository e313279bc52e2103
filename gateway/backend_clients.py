"""The backend clients of one process: one shared aiohttp session, a circuit breaker per
backend (kept for /readyz, its state exported as a metric), the retry policy and the
tracing, and the hub registration's own clients."""

from __future__ import annotations

import logging

import aiohttp

from adapters import metrics
from adapters.breaker import BreakerState, CircuitBreaker
from adapters.calls import CallGuard, RetryPolicy
from adapters.clock import Clock
from adapters.http import BackendClient
from gateway.settings import Settings
from gateway.telemetry import Telemetry

log = logging.getLogger(__name__)

_BREAKER_LEVEL = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}


def _breaker_moved(name: str, state: BreakerState) -> None:
    metrics.BREAKER_STATE.labels(name).set(_BREAKER_LEVEL[state])
    log.warning("circuit breaker of %s is now %s", name, state.value)


class BackendClients:
    def __init__(self, settings: Settings, clock: Clock, telemetry: Telemetry) -> None:
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit_per_host=settings.backend_connections, limit=0),
            # Backend answers are parsed by the adapters; aiohttp must not raise on status.
            raise_for_status=False,
        )
        self.breakers: dict[str, CircuitBreaker] = {}
        self._settings = settings
        self._clock = clock
        self._retry = RetryPolicy(attempts=settings.retry_attempts)
        self._tracing = telemetry.tracing

    def breaker(self, name: str, open_seconds: float | None = None) -> CircuitBreaker:
        settings = self._settings
        self.breakers[name] = CircuitBreaker(
            name,
            self._clock,
            failure_threshold=settings.breaker_failures,
            open_seconds=open_seconds or settings.breaker_open_seconds,
            on_change=_breaker_moved,
        )
        metrics.BREAKER_STATE.labels(name).set(0)
        return self.breakers[name]

    def guard(self, name: str) -> CallGuard:
        return CallGuard(name, breaker=self.breaker(name), retry=self._retry, tracing=self._tracing)

    def client(self, name: str, url: str, timeout: float) -> BackendClient:
        return BackendClient(
            name,
            self.session,
            url,
            timeout,
            breaker=self.breaker(name),
            retry=self._retry,
            tracing=self._tracing,
        )

    def event_clients(self) -> dict[str, BackendClient]:
        """Hub registration is a write: its own clients, no retries, no breaker sharing."""
        settings = self._settings
        return {
            name: BackendClient(name, self.session, url, timeout)
            for name, url, timeout in (
                ("billing", settings.billing_url, settings.billing_timeout),
                ("provisioning", settings.provisioning_url, settings.provisioning_timeout),
                ("loyalty", settings.loyalty_url, settings.loyalty_timeout),
                ("support", settings.support_url, settings.support_timeout),
            )
        }
