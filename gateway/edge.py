"""The edge's configuration, built once per process from the settings: the shape reader
and its limits, the body policy, rate limits, the persisted-query store, batching and
caching rules."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.persisted.port import PersistedQueries
from gateway.body_policy import BodyPolicy
from gateway.documents import Documents
from gateway.limits import ShapeLimits
from gateway.rate_limits import RateLimits
from gateway.runtime import Runtime


@dataclass(frozen=True, slots=True)
class Edge:
    # Parses (bounded), keeps validated documents and measures operations' shapes.
    shapes: Documents
    limits: ShapeLimits
    rates: RateLimits
    persisted: PersistedQueries
    allowlist_only: bool
    body: BodyPolicy
    max_batch: int
    public_cache_seconds: int


def build_edge(runtime: Runtime) -> Edge:
    settings = runtime.settings
    return Edge(
        shapes=runtime.documents,
        limits=ShapeLimits(
            max_depth=settings.max_depth,
            max_aliases=settings.max_aliases,
            max_cost=settings.max_cost,
            max_list=settings.max_list_length,
            max_fields=settings.max_fields,
            introspection_depth=(
                settings.max_introspection_depth if settings.introspection else None
            ),
            enforce=settings.limits_mode == "enforce",
        ),
        rates=RateLimits(
            per_subscriber=settings.rate_per_subscriber,
            per_agent=settings.rate_per_agent,
            per_client=settings.rate_per_client,
        ),
        persisted=runtime.persisted,
        allowlist_only=settings.persisted_queries == "allowlist",
        body=BodyPolicy.from_settings(settings),
        max_batch=settings.max_batch,
        public_cache_seconds=settings.public_cache_seconds,
    )
