"""The listener routes the backends' hubs POST their events to (`/listener/<backend>`).

An event is accepted only with a valid `X-Hub-Signature` (HMAC-SHA256 of the raw body with
the shared hub secret), checked before parsing. Accepted events invalidate the cached
reads they concern (balances, charges, products, activated offers) and are published to
the live subscribers' topics."""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.events.hubs import HUBS, register_hub
from adapters.events.signature import is_signed_by
from gateway.body_policy import BodyPolicy
from gateway.refusal import RefusedError
from gateway.runtime import Runtime

log = logging.getLogger(__name__)
MAX_EVENT_BYTES = 1_048_576
_SEEN_MAX = 10_000


class SeenEvents:
    """Backends may deliver an event twice: remember the last ids."""

    def __init__(self) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()

    def first_time(self, event_id: str) -> bool:
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        if len(self._ids) > _SEEN_MAX:
            self._ids.popitem(last=False)
        return True


def _refuse(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)


async def listener(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
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
    seen: SeenEvents = request.app.state.seen_events
    if event_id and not seen.first_time(event_id):
        return Response(status_code=204)
    await handle_event(runtime, kind, content)
    return Response(status_code=204)


def _ids(refs: Any) -> list[str]:
    items = refs if isinstance(refs, list) else [refs]
    return [str(r["id"]) for r in items if isinstance(r, dict) and r.get("id")]


async def handle_event(runtime: Runtime, kind: str, content: dict[str, Any]) -> None:
    events = runtime.ports.events
    if kind == "BalanceChangeEvent":
        numbers = _ids(content.get("balanceChange", {}).get("logicalResource"))
        await runtime.billing.invalidate(numbers)
        for msisdn in numbers:
            await events.publish(f"balance:{msisdn}", b"{}")
    elif kind in ("ProductOrderCreateEvent", "ProductOrderStateChangeEvent"):
        order = content.get("productOrder") or {}
        for msisdn in _ids(order.get("relatedParty"))[:1]:
            if order.get("state") in ("completed", "failed"):
                await runtime.billing.invalidate([msisdn])
                await runtime.provisioning.invalidate_products([msisdn])
            await events.publish(f"order:{msisdn}", orjson.dumps(order))
    elif kind == "LoyaltyProgramProductCreateEvent":
        activation = content.get("loyaltyProgramProduct") or {}
        await runtime.loyalty.invalidate_activations(_ids(activation.get("relatedParty")))
    elif kind.startswith("PartyInteraction"):
        interaction = content.get("partyInteraction") or {}
        conversation = str(interaction.get("id") or "")
        if kind == "PartyInteractionAttributeValueChangeEvent" and conversation:
            for note in interaction.get("note") or ():
                await events.publish(f"conversation:{conversation}", orjson.dumps(note))


async def register_hubs(runtime: Runtime, callback_base: str) -> dict[str, str | None]:
    """Register this gateway's listener at every backend's hub."""
    return {
        name: await register_hub(client, callback_base)
        for name, client in runtime.event_clients.items()
    }
