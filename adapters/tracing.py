"""Spans around backend calls, and the W3C `traceparent` each call carries.

Off (the default), no span is made: each call carries a traceparent of the request's trace
id and a new span id, so the backends' logs still join up with the gateway's. On (an OTLP
endpoint configured), OpenTelemetry makes a client span per call and injects its context.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from opentelemetry import trace
from opentelemetry.propagate import inject
from opentelemetry.trace import SpanKind

from adapters.scope import current_scope


class Tracing(Protocol):
    def backend_call(
        self, backend: str, method: str, path: str
    ) -> AbstractContextManager[dict[str, str]]:
        """A context manager yielding the headers that carry the trace to the backend."""
        ...


class PlainTracing:
    @contextmanager
    def backend_call(self, backend: str, method: str, path: str) -> Iterator[dict[str, str]]:
        scope = current_scope()
        if scope is None:
            yield {}
            return
        yield {"traceparent": scope.traceparent(), "x-request-id": scope.request_id}


class OtelTracing:
    def __init__(self, tracer: trace.Tracer) -> None:
        self._tracer = tracer

    @contextmanager
    def backend_call(self, backend: str, method: str, path: str) -> Iterator[dict[str, str]]:
        with self._tracer.start_as_current_span(
            f"{backend} {method}",
            kind=SpanKind.CLIENT,
            attributes={"peer.service": backend, "http.request.method": method, "url.path": path},
        ):
            headers: dict[str, str] = {}
            inject(headers)
            scope = current_scope()
            if scope is not None:
                headers["x-request-id"] = scope.request_id
            yield headers
