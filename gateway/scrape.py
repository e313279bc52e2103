"""Where Prometheus scrapes `/metrics`: its own listener by default, not the API port.

The metrics name every operation, backend, breaker and refusal code: nothing a stranger
on the API port should read (issue #23). As Apollo Router (`telemetry.exporters.metrics.
prometheus.listen`), Envoy (its admin port) and Kong (`status_listen`) do, `serve` opens
a second listener, `TGW_METRICS_LISTEN` (`127.0.0.1:9464` by default), in the process
that owns the workers: with `--workers N` it reads every worker's files, so one scrape
reports the whole host. `api` serves `/metrics` on the API port instead (the demo does;
so may a deployment whose API port is itself internal); `off` serves it nowhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from wsgiref.simple_server import WSGIServer

from prometheus_client import REGISTRY, CollectorRegistry, multiprocess, start_http_server

ON_API_PORT = "api"
OFF = "off"


class ListenError(ValueError):
    """`TGW_METRICS_LISTEN` is none of `api`, `off` or `host:port`."""


@dataclass(frozen=True, slots=True)
class Address:
    host: str
    port: int


def metrics_address(value: str) -> Address | None:
    """The listener's address, or None when /metrics has no listener of its own."""
    if value in (ON_API_PORT, OFF):
        return None
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ListenError(f'TGW_METRICS_LISTEN is "api", "off" or host:port, not {value!r}')
    return Address(host.strip("[]"), int(port))


def registry() -> CollectorRegistry:
    """Every worker's metrics (multiprocess files) or this process's own."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        found = CollectorRegistry()
        multiprocess.MultiProcessCollector(found)  # type: ignore[no-untyped-call]
        return found
    return REGISTRY


def start_metrics_listener(value: str) -> WSGIServer | None:
    """Serve /metrics at `value` from a daemon thread; raises OSError when it cannot bind."""
    address = metrics_address(value)
    if address is None:
        return None
    server, _thread = start_http_server(address.port, address.host, registry=registry())
    return server
