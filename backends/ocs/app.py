"""The simulated OCS's routes and ``create_app``.

Built like the kit's services (request counts, injected faults, the ``/admin/`` routes,
``/openapi.json``) but with OCS's own error shapes and HTTP Basic auth, so the kit's
``create_service_app`` (TMF errors, no auth) is not used as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from aiohttp import web

from backends.config import ServiceConfig
from backends.kit.bodies import read_json_object
from backends.kit.service import create_service_app
from backends.kit.timestamps import utc_now
from backends.ocs.auth import CREDENTIALS, Credentials, basic_auth_middleware
from backends.ocs.errors import (
    OcsError,
    bad_request,
    internal_error_page,
    not_found,
    ocs_error_middleware,
)
from backends.ocs.hubs import CREATED, DELETED, Hubs
from backends.ocs.openapi import BUCKET_FILTERS, OPENAPI
from backends.ocs.paging import Listings
from backends.ocs.resources import (
    BALANCE,
    PRODUCT_INVENTORY,
    SERVICE_INVENTORY,
    accumulated_balance_json,
    bucket_json,
    product_json,
    service_json,
    trimmed,
)
from backends.ocs.responses import ocs_json
from backends.ocs.state import Bucket, OcsState, Subscription
from backends.ocs.timestamps import parse_ocs_timestamp, zoned_timestamps
from backends.ocs.units import UNITS, parse_amount

DEFAULT_PORT = 8101  # it is the billing backend, in another dialect
OCS = web.AppKey("ocs", OcsState)
BucketRef = tuple[Subscription, Bucket]
LISTINGS: web.AppKey[Listings[BucketRef]] = web.AppKey("listings")
HUBS = web.AppKey("hubs", Hubs)

routes = web.RouteTableDef()


def create_app(config: ServiceConfig, credentials: Credentials | None = None) -> web.Application:
    app = create_service_app(
        "ocs",
        routes,
        OPENAPI,
        config.faults,
        errors=ocs_error_middleware,
        after_faults=[basic_auth_middleware],
        render=ocs_json,
    )
    app[CREDENTIALS] = credentials or Credentials()
    app[OCS] = OcsState(config.build_world())
    app[LISTINGS] = Listings()
    hubs = app[HUBS] = Hubs()

    async def close_hubs(app: web.Application) -> None:
        await hubs.close()

    app.on_cleanup.append(close_hubs)
    return app


@routes.get("/health")
async def health(request: web.Request) -> web.Response:
    return web.Response(body=b'{"status":"pass"}', content_type="application/health+json")


@routes.get(f"{SERVICE_INVENTORY}/service/{{id}}")
async def get_service(request: web.Request) -> web.Response:
    return ocs_json(service_json(_service(request)))


@routes.get(f"{PRODUCT_INVENTORY}/product/{{id}}")
async def get_product(request: web.Request) -> web.Response:
    return ocs_json(product_json(_product(request)))


@routes.get(f"{BALANCE}/bucket")
async def list_buckets(request: web.Request) -> web.Response:
    unknown = set(request.query) - set(BUCKET_FILTERS)
    if unknown:
        raise bad_request(f"unsupported query parameter(s): {', '.join(sorted(unknown))}")
    state = request.app[OCS]

    def matching() -> Sequence[BucketRef]:
        product_id = request.query.get("product.id")
        bucket_id = request.query.get("id")
        if bucket_id is not None:
            found = state.bucket(bucket_id)
            refs = [found] if found else []
        elif product_id is not None:
            subscription = state.by_product(product_id)
            refs = [(subscription, b) for b in subscription.buckets] if subscription else []
        else:
            refs = [(s, b) for s in state.subscriptions() for b in s.buckets]
        return [ref for ref in refs if product_id is None or ref[0].product_id == product_id]

    fields = [f.strip() for f in request.query.get("fields", "").split(",") if f.strip()]
    if fields:
        return request.app[LISTINGS].page(
            request, matching, lambda ref: trimmed(bucket_json(*ref), fields)
        )
    return request.app[LISTINGS].page(request, matching, lambda ref: bucket_json(*ref))


@routes.get(f"{BALANCE}/bucket/{{id}}")
async def get_bucket(request: web.Request) -> web.Response:
    bucket_id = request.match_info["id"]
    found = request.app[OCS].bucket(bucket_id)
    if found is None:
        raise not_found("No such Bucket found")
    return ocs_json(bucket_json(*found), headers={"Location": f"{BALANCE}/bucket/{bucket_id}"})


@routes.delete(f"{BALANCE}/bucket/{{id}}")
async def delete_bucket(request: web.Request) -> web.Response:
    """Takes back exactly that bucket (what is left of it); 204 with an empty text/html
    body, as the captured system answers; again is a 404."""
    state = request.app[OCS]
    found = state.bucket(request.match_info["id"])
    if found is None:
        raise not_found("No such Balance Bucket found")
    state.delete(*found)
    # The bucket as it was, as the captured deletion event carries it.
    request.app[HUBS].notify(DELETED, bucket_json(*found), utc_now())
    return web.Response(status=204, content_type="text/html")


@routes.get(f"{BALANCE}/product/{{id}}/accumulatedBalance")
async def product_balance(request: web.Request) -> web.Response:
    subscription = _product(request)
    href = f"{BALANCE}/product/{subscription.product_id}/accumulatedBalance"
    return ocs_json(
        accumulated_balance_json(subscription, href, subscription.product_id, utc_now())
    )


@routes.get(f"{BALANCE}/service/{{id}}/accumulatedBalance")
async def service_balance(request: web.Request) -> web.Response:
    subscription = _service(request)
    href = f"{BALANCE}/service/{subscription.service_id}/accumulatedBalance"
    return ocs_json(
        accumulated_balance_json(subscription, href, subscription.service_id, utc_now())
    )


@routes.post(f"{BALANCE}/product/{{id}}/balanceTopup")
async def product_top_up(request: web.Request) -> web.Response:
    subscription = request.app[OCS].by_product(request.match_info["id"])
    if subscription is None:
        # The captured system's known fault: an unknown product is a 500, not a 404.
        return internal_error_page()
    return await _top_up(request, subscription)


@routes.post(f"{BALANCE}/service/{{id}}/balanceTopup")
async def service_top_up(request: web.Request) -> web.Response:
    return await _top_up(request, _service(request))


async def _top_up(request: web.Request, subscription: Subscription) -> web.Response:
    if request.content_type != "application/json":
        raise OcsError(415, f"Content-Type must be application/json, not {request.content_type}")
    body = await read_json_object(request)
    zoned = next(zoned_timestamps(body), None)
    if zoned is not None:
        raise bad_request(f"timestamps take no zone: {zoned!r}")
    units, amount = _amount(body.get("amount"))
    start, end = _period(body.get("validFor"))
    # `channel` is dropped, `name` kept: what the captured system does with them.
    name = body.get("name") if isinstance(body.get("name"), str) else None
    bucket = request.app[OCS].top_up(subscription, units, amount, start, end, name)
    request.app[HUBS].notify(CREATED, bucket_json(subscription, bucket), utc_now())
    return ocs_json(
        bucket_json(subscription, bucket),
        status=201,
        headers={"Location": f"{BALANCE}/bucket/{bucket.id}"},
    )


@routes.post(f"{BALANCE}/hub")
async def register_hub(request: web.Request) -> web.Response:
    """201 ``{"callback","id"}`` with a ``Location``; the Authorization header it came
    with is the one its notifications carry."""
    body = await read_json_object(request)
    callback = body.get("callback")
    if not isinstance(callback, str) or not callback:
        raise bad_request("'callback' must be a URL")
    hub = request.app[HUBS].register(callback, request.headers.get("Authorization"), utc_now())
    return ocs_json(
        {"callback": hub.callback, "id": hub.id},
        status=201,
        headers={"Location": f"{BALANCE}/hub/{hub.id}"},
    )


@routes.get(f"{BALANCE}/hub")
async def list_hubs(request: web.Request) -> web.Response:
    return ocs_json(
        [
            {"callback": hub.callback, "id": hub.id, "href": f"{BALANCE}/hub/{hub.id}"}
            for hub in request.app[HUBS].all()
        ]
    )


@routes.delete(f"{BALANCE}/hub/{{id}}")
async def delete_hub(request: web.Request) -> web.Response:
    if not request.app[HUBS].remove(request.match_info["id"]):
        raise not_found("No such Hub found")
    return web.Response(status=204, content_type="text/html")


def _amount(raw: Any) -> tuple[str, Decimal]:
    if not isinstance(raw, dict):
        raise bad_request("'amount' must be an object with 'units' and 'amount'")
    units = str(raw.get("units", "")).lower()
    if units not in UNITS:
        raise bad_request(f"'amount.units' must be one of {', '.join(UNITS)}")
    try:
        amount = parse_amount(units, raw.get("amount"))
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    if amount <= 0:
        raise bad_request("a top-up amount must be positive")
    return units, amount


def _period(raw: Any) -> tuple[datetime | None, datetime | None]:
    if raw is None:
        return None, None
    if not isinstance(raw, dict):
        raise bad_request("'validFor' must be an object")
    try:
        start, end = (
            parse_ocs_timestamp(raw[name]) if isinstance(raw.get(name), str) else None
            for name in ("startDateTime", "endDateTime")
        )
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    return start, end


def _service(request: web.Request) -> Subscription:
    subscription = request.app[OCS].by_service(request.match_info["id"])
    if subscription is None:
        raise not_found("No such Service found")
    return subscription


def _product(request: web.Request) -> Subscription:
    subscription = request.app[OCS].by_product(request.match_info["id"])
    if subscription is None:
        raise not_found("No such Product found")
    return subscription
