"""`/healthz` (the process is alive), `/readyz` (Redis and every backend reachable, the
breakers' states; "degraded" while a Redis node is lost or Redis is skipped) and
`/metrics` (Prometheus)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.asyncio.cluster import RedisCluster
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.breaker import BreakerState
from gateway.lifespan import running
from gateway.redis_health import degraded, probe_cluster
from gateway.runtime import Runtime
from gateway.scrape import registry

PROBE_TIMEOUT = 1.0
OCS_PROBE = "/balanceManagement/v1/bucket"


async def healthz(request: Request) -> Response:
    runtime = running(request.app).runtime
    breakers = {name: b.state.value for name, b in runtime.breakers.items()}
    return JSONResponse({"status": "ok", "cache": runtime.cache_kind, "breakers": breakers})


# Why a backend that answers is still not ready: a wrong base path or wrong credentials
# answer at once, and every call after would fail (or worse, read as "unknown number").
_NOT_READY = {
    401: "unauthorized: check the credentials",
    403: "forbidden: check the credentials",
    404: "no such path: check the base URL",
}


async def _probe_backend(runtime: Runtime, name: str, base_url: str) -> dict[str, Any]:
    settings = runtime.settings
    path = settings.health_paths.get(name, settings.health_path)
    headers: dict[str, str] = {}
    if name == "billing" and settings.billing_dialect == "sigscale-ocs":
        # OCS's /health needs no auth and any base path's 404 is an HTML page: ask for
        # one bucket, which needs both the credentials and the base path right.
        path = OCS_PROBE
        headers = {
            "Authorization": aiohttp.encode_basic_auth(
                settings.billing_username, settings.billing_password.get_secret_value()
            ),
            "Accept": "application/json",
            "Range": "items=1-1",
        }
    breaker = runtime.breakers.get(name)
    found: dict[str, Any] = {"breaker": breaker.state.value if breaker else None}
    try:
        async with runtime.session.get(
            base_url.rstrip("/") + path,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=PROBE_TIMEOUT),
        ) as response:
            found["reachable"] = response.status < 500
            found["status"] = response.status
            if response.status in _NOT_READY:
                found["reachable"] = False
                found["reason"] = _NOT_READY[response.status]
    except (aiohttp.ClientError, TimeoutError) as exc:
        found["reachable"] = False
        found["error"] = type(exc).__name__
    return found


async def _probe_redis(runtime: Runtime) -> dict[str, Any]:
    if runtime.redis is None:
        return {"reachable": True, "kind": "in-process"}
    if isinstance(runtime.redis, RedisCluster):
        found = await probe_cluster(runtime.redis, PROBE_TIMEOUT)
    else:
        try:
            await asyncio.wait_for(runtime.redis.ping(), PROBE_TIMEOUT)
        except Exception as exc:
            return {"reachable": False, "state": "down", "error": type(exc).__name__}
        found = {"reachable": True, "kind": "redis", "state": "ok"}
    breaker = runtime.breakers.get("redis")
    if breaker is not None:
        found["breaker"] = breaker.state.value
        if found["state"] == "ok" and breaker.state is not BreakerState.CLOSED:
            # Reachable now, but requests still skip it: serving from the backends.
            found["state"] = "degraded"
    return found


async def readyz(request: Request) -> Response:
    runtime = running(request.app).runtime
    settings = runtime.settings
    urls = {
        "billing": settings.billing_url,
        "provisioning": settings.provisioning_url,
        "sms": settings.sms_url,
        "loyalty": settings.loyalty_url,
        "support": settings.support_url,
    }
    if settings.payments_url:
        urls["payments"] = settings.payments_url
    probes = await asyncio.gather(
        _probe_redis(runtime), *(_probe_backend(runtime, n, u) for n, u in urls.items())
    )
    checks = {"redis": probes[0], **dict(zip(urls, probes[1:], strict=True))}
    if runtime.ocs_hub is not None and runtime.ocs_hub.state is not None:
        checks["billing"]["hub"] = runtime.ocs_hub.state
    for name, failure in runtime.hub_failures.items():
        if name in checks:
            checks[name]["hub"] = failure
    ready = all(check["reachable"] for check in checks.values())
    # A degraded Redis (a lost primary, an open breaker) is served around: reads go to the
    # backends. Still ready (every instance shares the same Redis: taking them all out
    # would turn a failover into an outage), but said.
    status = "not ready" if not ready else "degraded" if degraded(checks["redis"]) else "ready"
    return JSONResponse(
        {"status": status, "checks": checks},
        status_code=200 if ready else 503,
    )


async def metrics(request: Request) -> Response:
    """On the API port only with `TGW_METRICS_LISTEN=api` (gateway/scrape.py)."""
    return Response(generate_latest(registry()), media_type=CONTENT_TYPE_LATEST)
