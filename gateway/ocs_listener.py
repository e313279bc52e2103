"""The route SigScale OCS POSTs its bucket notifications to,
``/listener/billing-ocs/<token>`` (the registration and why the token: gateway/ocs_hub.py).

A wrong or missing token is 401 and changes nothing. A notification names a bucket's
product; its number comes from the product's ``realizingService``, and that number's
cached balance is dropped at once and a BalanceChanged published to its live subscribers.

OCS drops a hub after the first delivery that fails (recorded), silently, so any answer but
a 2xx here would cost every later notification: a notification the gateway cannot act on
(unreadable, a product it cannot resolve) is logged and still answered 204; the cache then
expires by TGW_BALANCE_TTL as without a hub.
"""

from __future__ import annotations

import logging

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.billing.ocs.hub import (
    BUCKET_EVENTS,
    number_of_product,
    parse_notification,
    token_matches,
)
from adapters.cache.number_reads import NumberRead
from adapters.errors import BackendError
from adapters.events.records import encode_event
from domain.events import BalanceChanged
from gateway.body_policy import BodyPolicy
from gateway.lifespan import running
from gateway.refusal import RefusedError

log = logging.getLogger(__name__)
MAX_NOTIFICATION_BYTES = 1_048_576


def _refuse(status: int, code: str, message: str) -> Response:
    return JSONResponse({"code": code, "message": message}, status_code=status)


async def ocs_listener(request: Request) -> Response:
    runtime = running(request.app).runtime
    hub = runtime.ocs_hub
    if hub is None:
        return _refuse(404, "NOT_FOUND", "no listener here")
    if not token_matches(hub.secret, request.path_params["token"]):
        log.warning("refused a notification on the OCS listener: wrong secret in its URL")
        return _refuse(401, "INVALID_SECRET", "the notification's URL has the wrong secret")
    try:
        body = await BodyPolicy(MAX_NOTIFICATION_BYTES, runtime.settings.body_timeout).read(request)
    except RefusedError as error:
        return _refuse(error.status, error.code, error.message)
    try:
        notification = parse_notification(orjson.loads(body))
    except (orjson.JSONDecodeError, ValueError):
        log.warning("an OCS notification that is not one was ignored")
        return Response(status_code=204)
    if notification.event_type not in BUCKET_EVENTS or notification.product_id is None:
        return Response(status_code=204)
    seen = running(request.app).seen_events
    # Every process registers its own hub: one of them handles each notification.
    if notification.event_id and not await seen.first_time(f"ocs:{notification.event_id}"):
        return Response(status_code=204)
    try:
        msisdn = await number_of_product(hub.client, notification.product_id)
    except BackendError as exc:
        log.warning("OCS notification %s: product not resolved: %s", notification.event_id, exc)
        return Response(status_code=204)
    if msisdn is None:
        return Response(status_code=204)
    await runtime.ports.reads.forget([msisdn], [NumberRead.BALANCE])
    await runtime.ports.events.publish(
        f"balance:{msisdn}", encode_event(BalanceChanged(msisdn, notification.event_id))
    )
    return Response(status_code=204)
