"""The listener routes the backends' hubs POST their events to (`/listener/<backend>`).

An event is accepted only with a valid `X-Hub-Signature` (HMAC-SHA256 of the raw body with
the shared hub secret), checked before parsing. Accepted events invalidate the cached
reads they concern (balances, charges, products, activated offers) and are published to
the live subscribers' topics."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.cache.number_reads import NumberRead
from adapters.events.claims import EventClaims, RedisEventClaims, SeenHere
from adapters.events.hubs import HUBS
from adapters.events.records import encode_event
from adapters.events.signature import is_signed_by
from adapters.provisioning.http import parse_order
from adapters.redis_guard import RedisGuard
from adapters.support.http import parse_message
from domain.events import SUPPORT_INBOX, BalanceChanged, MessagePosted, OrderUpdated
from gateway.body_policy import BodyPolicy
from gateway.lifespan import running
from gateway.refusal import RefusedError
from gateway.runtime import Runtime

log = logging.getLogger(__name__)
MAX_EVENT_BYTES = 1_048_576


def _refuse(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)


async def listener(request: Request) -> Response:
    runtime = running(request.app).runtime
    backend = request.path_params["backend"]
    secret = runtime.settings.hub_secret
    if backend not in HUBS or secret is None:
        return _refuse(404, "NOT_FOUND", "no listener here")
    try:
        body = await BodyPolicy(MAX_EVENT_BYTES, runtime.settings.body_timeout).read(request)
    except RefusedError as error:
        return _refuse(error.status, error.code, error.message, error.headers)
    if not is_signed_by(
        secret.get_secret_value().encode(), body, request.headers.get("x-hub-signature")
    ):
        log.warning("refused an event on /listener/%s: bad or missing signature", backend)
        return _refuse(401, "INVALID_SIGNATURE", "the event is not signed by a configured backend")
    try:
        event = orjson.loads(body)
        kind, content = str(event["eventType"]), event["event"]
        event_id = str(event.get("eventId") or "")
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return _refuse(400, "BAD_REQUEST", "not a TMF event")
    seen = running(request.app).seen_events
    # Each registration of every gateway process gets its copy: one process of the
    # deployment handles it (adapters/events/claims.py).
    if event_id and not await seen.first_time(event_id):
        return Response(status_code=204)
    try:
        await handle_event(runtime, kind, content, event_id)
    except (KeyError, TypeError, ValueError) as exc:
        # A signed event whose order or note cannot be read as one: the caches it names
        # were dropped already; subscribers get nothing rather than a broken record.
        log.warning("event %s (%s) not read: %r", event_id, kind, exc)
        return _refuse(422, "BAD_EVENT", "the event's content could not be read")
    return Response(status_code=204)


def _ids(refs: Any) -> list[str]:
    items = refs if isinstance(refs, list) else [refs]
    return [str(r["id"]) for r in items if isinstance(r, dict) and r.get("id")]


async def handle_event(
    runtime: Runtime, kind: str, content: dict[str, Any], event_id: str = ""
) -> None:
    events = runtime.ports.events
    reads = runtime.ports.reads
    if kind == "BalanceChangeEvent":
        numbers = _ids(content.get("balanceChange", {}).get("logicalResource"))
        await reads.forget(numbers, [NumberRead.BALANCE])
        for msisdn in numbers:
            # The id lets a subscriber (and the tests) tell events apart.
            await events.publish(
                f"balance:{msisdn}", encode_event(BalanceChanged(msisdn, event_id))
            )
    elif kind in ("ProductOrderCreateEvent", "ProductOrderStateChangeEvent"):
        order = content.get("productOrder") or {}
        for msisdn in _ids(order.get("relatedParty"))[:1]:
            if order.get("state") in ("completed", "failed"):
                await reads.forget([msisdn], [NumberRead.BALANCE, NumberRead.PRODUCTS])
            update = OrderUpdated(parse_order(order, msisdn))
            await events.publish(f"order:{msisdn}", encode_event(update))
    elif kind == "LoyaltyProgramProductCreateEvent":
        activation = content.get("loyaltyProgramProduct") or {}
        await reads.forget(_ids(activation.get("relatedParty")), [NumberRead.ACTIVATIONS])
    elif kind.startswith("PartyInteraction"):
        interaction = content.get("partyInteraction") or {}
        conversation = str(interaction.get("id") or "")
        if kind == "PartyInteractionAttributeValueChangeEvent" and conversation:
            for note in interaction.get("note") or ():
                posted = MessagePosted(parse_message(note, conversation))
                await events.publish(f"conversation:{conversation}", encode_event(posted))
                # The agents' inbox hears every open conversation's messages on one topic.
                await events.publish(SUPPORT_INBOX, encode_event(posted))


def event_claims(runtime: Runtime) -> EventClaims:
    """Claims shared by every process through Redis; in process without it."""
    if runtime.redis is None:
        return SeenHere()
    guard = RedisGuard(runtime.settings.redis_timeout)
    return RedisEventClaims(runtime.redis, runtime.settings.cache_namespace, guard)
