"""TM Forum event subscriptions (``POST {api}/hub``) and the delivery of events to them.

A listener registers a callback URL; on every state change the service publishes a TMF
event (``eventId``, ``eventTime``, ``eventType``, ``event``) and POSTs it to every
callback whose query matches, signed with ``X-Hub-Signature`` when a hub secret is set.
Delivery is fire-and-forget: each subscription has a queue and a worker task, so the
request that caused an event never waits for, or fails with, a listener; one worker per
subscription also keeps a listener's events in the order they happened. There are no
retries: a failed delivery is logged (``GET /admin/events``) and dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import orjson
from aiohttp import web

from backends.kit.bodies import read_json_object, required_string
from backends.kit.errors import bad_request, not_found
from backends.kit.idempotency import idempotent
from backends.kit.ids import href
from backends.kit.responses import json_response
from backends.kit.signature import SIGNATURE_HEADER, sign
from backends.kit.timestamps import format_timestamp, utc_now

DELIVERY_TIMEOUT_SECONDS = 2.0
MAX_LOGGED_DELIVERIES = 1_000
# A listener that stops answering must not make a queue grow without bound.
MAX_QUEUED_PER_SUBSCRIPTION = 1_000


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    callback: str
    query: str
    event_types: frozenset[str] | None  # None: every event

    def wants(self, event_type: str) -> bool:
        return self.event_types is None or event_type in self.event_types

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "callback": self.callback, "query": self.query}


@dataclass(frozen=True, slots=True)
class Delivery:
    """One attempt to deliver one event to one callback: what ``/admin/events`` lists."""

    event_id: str
    event_type: str
    subscription_id: str
    callback: str
    status: str  # delivered, failed or dropped
    http_status: int | None
    error: str | None
    time: str

    def to_json(self) -> dict[str, Any]:
        return {
            "eventId": self.event_id,
            "eventType": self.event_type,
            "subscriptionId": self.subscription_id,
            "callback": self.callback,
            "status": self.status,
            "httpStatus": self.http_status,
            "error": self.error,
            "time": self.time,
        }


@dataclass(frozen=True, slots=True)
class _Outgoing:
    event_id: str
    event_type: str
    body: bytes


class EventHub:
    def __init__(
        self, secret: str | None, timeout_seconds: float = DELIVERY_TIMEOUT_SECONDS
    ) -> None:
        self._secret = secret
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._subscriptions: dict[str, Subscription] = {}
        self._queues: dict[str, asyncio.Queue[_Outgoing]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._log: deque[Delivery] = deque(maxlen=MAX_LOGGED_DELIVERIES)
        self._ids = itertools.count(1)
        self._session: aiohttp.ClientSession | None = None

    def subscribe(self, callback: str, query: str) -> Subscription:
        """Register a callback; must run in the service's event loop (it starts a worker)."""
        subscription = Subscription(f"HUB-{next(self._ids)}", callback, query, _event_types(query))
        queue: asyncio.Queue[_Outgoing] = asyncio.Queue(MAX_QUEUED_PER_SUBSCRIPTION)
        self._subscriptions[subscription.id] = subscription
        self._queues[subscription.id] = queue
        self._workers[subscription.id] = asyncio.get_running_loop().create_task(
            self._deliver_all(subscription, queue), name=f"hub {subscription.id}"
        )
        return subscription

    def unsubscribe(self, subscription_id: str) -> bool:
        if self._subscriptions.pop(subscription_id, None) is None:
            return False
        del self._queues[subscription_id]
        self._workers.pop(subscription_id).cancel()
        return True

    def publish(self, event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue the event for every matching subscription; returns the event body.

        ``payload`` is the TMF ``event`` member, e.g. ``{"productOrder": {...}}``: render
        it when publishing, so later changes to the resource do not leak into it.
        """
        event_id = str(uuid.uuid4())
        event = {
            "eventId": event_id,
            "eventTime": format_timestamp(utc_now()),
            "eventType": event_type,
            "event": payload,
        }
        outgoing = _Outgoing(event_id, event_type, orjson.dumps(event))
        for subscription in self._subscriptions.values():
            if not subscription.wants(event_type):
                continue
            try:
                self._queues[subscription.id].put_nowait(outgoing)
            except asyncio.QueueFull:
                self._record(subscription, outgoing, "dropped", None, "the queue is full")
        return event

    def deliveries(self) -> list[Delivery]:
        return list(self._log)

    async def close(self) -> None:
        workers = list(self._workers.values())
        for worker in workers:
            worker.cancel()
        for worker in workers:
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        self._workers.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _deliver_all(
        self, subscription: Subscription, queue: asyncio.Queue[_Outgoing]
    ) -> None:
        while True:
            outgoing = await queue.get()
            await self._deliver(subscription, outgoing)

    async def _deliver(self, subscription: Subscription, outgoing: _Outgoing) -> None:
        headers = {"Content-Type": "application/json;charset=utf-8"}
        if self._secret is not None:
            headers[SIGNATURE_HEADER] = sign(self._secret, outgoing.body)
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        try:
            async with self._session.post(
                subscription.callback, data=outgoing.body, headers=headers
            ) as response:
                await response.read()
                ok = 200 <= response.status < 300
                self._record(
                    subscription,
                    outgoing,
                    "delivered" if ok else "failed",
                    response.status,
                    None if ok else f"the listener answered {response.status}",
                )
        except (aiohttp.ClientError, TimeoutError) as exc:
            self._record(subscription, outgoing, "failed", None, repr(exc))

    def _record(
        self,
        subscription: Subscription,
        outgoing: _Outgoing,
        status: str,
        http_status: int | None,
        error: str | None,
    ) -> None:
        self._log.append(
            Delivery(
                outgoing.event_id,
                outgoing.event_type,
                subscription.id,
                subscription.callback,
                status,
                http_status,
                error,
                format_timestamp(utc_now()),
            )
        )


HUB = web.AppKey("hub", EventHub)


def attach_hub(app: web.Application, api_base: str, secret: str | None) -> EventHub:
    """Serve ``{api_base}/hub`` and ``/admin/events`` on ``app`` and publish through it."""
    hub = EventHub(secret)
    app[HUB] = hub

    async def register(request: web.Request) -> web.Response:
        body = await read_json_object(request)
        callback = _callback(required_string(body, "callback"))
        query = body.get("query") or ""
        if not isinstance(query, str):
            raise bad_request("'query' must be a string")
        subscription = request.app[HUB].subscribe(callback, query)
        return json_response(
            subscription.to_json(),
            status=201,
            headers={"Location": href(f"{api_base}/hub", subscription.id)},
        )

    async def unregister(request: web.Request) -> web.Response:
        subscription_id = request.match_info["id"]
        if not request.app[HUB].unsubscribe(subscription_id):
            raise not_found("hub subscription", subscription_id)
        return web.Response(status=204)

    async def deliveries(request: web.Request) -> web.Response:
        return json_response([d.to_json() for d in request.app[HUB].deliveries()])

    async def close(app: web.Application) -> None:
        await hub.close()

    app.router.add_post(f"{api_base}/hub", idempotent()(register))
    app.router.add_delete(f"{api_base}/hub/{{id}}", unregister)
    app.router.add_get("/admin/events", deliveries)
    app.on_cleanup.append(close)
    return hub


def _callback(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise bad_request(f"'callback' must be an http(s) URL, not {url!r}")
    return url


def _event_types(query: str) -> frozenset[str] | None:
    """``""`` (every event) or ``"eventType=A,B"``; anything else is a 400."""
    if not query.strip():
        return None
    name, sep, values = query.strip().partition("=")
    types = frozenset(v.strip() for v in values.split(",") if v.strip())
    if name != "eventType" or not sep or not types:
        raise bad_request(f"'query' must be empty or 'eventType=A,B', not {query!r}")
    return types
