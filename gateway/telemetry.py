"""OpenTelemetry tracing: exported when an OTLP endpoint is configured, off (and free:
nothing is set up, no span is made) when not."""

from __future__ import annotations

from dataclasses import dataclass

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from adapters.tracing import OtelTracing, PlainTracing, Tracing


@dataclass(slots=True)
class Telemetry:
    tracing: Tracing
    tracer: trace.Tracer | None
    provider: TracerProvider | None

    @property
    def enabled(self) -> bool:
        return self.tracer is not None

    def shutdown(self) -> None:
        if self.provider is not None:
            self.provider.force_flush()
            self.provider.shutdown()


def start_telemetry(otlp_endpoint: str | None, service_name: str) -> Telemetry:
    if not otlp_endpoint:
        return Telemetry(PlainTracing(), None, None)
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(
        BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint), schedule_delay_millis=500)
    )
    # Our own provider, not the global one: two apps in one process (tests) stay apart.
    tracer = provider.get_tracer("telecom-gateway")
    return Telemetry(OtelTracing(tracer), tracer, provider)
