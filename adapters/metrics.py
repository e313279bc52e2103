"""The gateway's Prometheus metrics, defined once per process.

With several workers, prometheus-client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR,
set by `serve`) keeps each worker's values in files that /metrics sums up.
"""

from __future__ import annotations

import re

from prometheus_client import Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

REQUESTS = Counter(
    "tgw_operations", "GraphQL operations by name and outcome", ["operation", "outcome"]
)
REQUEST_SECONDS = Histogram(
    "tgw_request_seconds", "HTTP requests to /graphql, seconds", buckets=LATENCY_BUCKETS
)
BACKEND_CALLS = Counter(
    "tgw_backend_calls", "Backend calls by backend and outcome", ["backend", "outcome"]
)
BACKEND_SECONDS = Histogram(
    "tgw_backend_call_seconds",
    "Backend call latency, seconds",
    ["backend"],
    buckets=LATENCY_BUCKETS,
)
BACKEND_RETRIES = Counter("tgw_backend_retries", "Backend read retries", ["backend"])
BREAKER_STATE = Gauge(
    "tgw_breaker_state",
    "Circuit breaker: 0 closed, 1 half-open, 2 open",
    ["name"],
    multiprocess_mode="max",
)
CACHE = Counter("tgw_balance_cache", "Balance cache lookups by result", ["result"])
READ_CACHE = Counter(
    "tgw_read_cache",
    "Cached per-number reads (products, customer, links, activations, charges) by result",
    ["kind", "result"],
)
ANSWERS = Counter(
    "tgw_answer_cache", "Whole answers of subscribers' screens, by lookup result", ["result"]
)
LOADER_BATCH = Histogram(
    "tgw_loader_batch_size",
    "Keys per dataloader batch",
    ["loader"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500),
)
REFUSALS = Counter("tgw_refusals", "Operations refused at the edge, by code", ["code"])
DOCUMENT_CACHE_BYTES = Gauge(
    "tgw_document_cache_bytes",
    "Estimated bytes of the parsed and validated documents kept",
    multiprocess_mode="livesum",
)
DOCUMENT_CACHE_ENTRIES = Gauge(
    "tgw_document_cache_entries",
    "Parsed and validated documents kept",
    multiprocess_mode="livesum",
)
# Schema coordinates used, by name (gateway/usage.py keeps the per-client counts in Redis).
FIELD_USAGE = Counter(
    "tgw_field_usage",
    "Uses of schema coordinates (Type.field), the top ones",
    ["coordinate"],
)

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_MAX_NAMES = 200
_seen_names: set[str] = set()


def operation_label(name: str | None) -> str:
    """Operation names come from clients: bound the label's values so that a client
    inventing names cannot blow up the metrics' cardinality."""
    if not name or not _NAME.match(name):
        return "anonymous" if not name else "other"
    if name in _seen_names or len(_seen_names) < _MAX_NAMES:
        _seen_names.add(name)
        return name
    return "other"


# Compiled plans (gateway/plan/): executions through a plan, and those that fell back to
# graphql-core's executor, by the compiler's reason (gateway/plan/fallback.py).
PLANNED_EXECUTIONS = Counter("tgw_plan_executions", "Operations executed through a compiled plan")
PLAN_FALLBACKS = Counter(
    "tgw_plan_fallbacks",
    "Operations executed by graphql-core's generic executor instead of a plan, by reason",
    ["reason"],
)
PLAN_CACHE_ENTRIES = Gauge(
    "tgw_plan_cache_entries",
    "Compiled plans kept beside the kept documents",
    multiprocess_mode="livesum",
)
REFRESHES = Counter(
    "tgw_cache_refresh",
    "Early refreshes of kept entries (adapters/cache/early.py), by cache and result: "
    "started; ok; failed (the old entry is served until it expires); busy (over "
    "TGW_REFRESH_CONCURRENCY, skipped); elsewhere (another process holds the lease); "
    "superseded (the entry changed or was dropped meanwhile, not written)",
    ["cache", "result"],
)
