"""Idempotency keys: a state-changing POST retried with the same ``Idempotency-Key`` gets
the first answer again (same status and body) and changes nothing twice.

Keys are kept per service, in memory, with a fingerprint of the request that first used
them (method, path and the body as canonical JSON): the same key with another request is
a 409 ``IDEMPOTENCY_KEY_REUSED``. Answers below 500 are kept, refusals included, because a
refusal is the outcome of that request; a 5xx is not kept, so a retry after a failure
runs again. Requests with the same key are serialised, so two concurrent retries cannot
both act.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any

import orjson
from aiohttp import web

from backends.kit.errors import TmfError, bad_request, conflict

IDEMPOTENCY_HEADER = "Idempotency-Key"
# Set on an answer that is a replay of a stored one, so a client (and a test) can tell.
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# Enough for a long bench; the oldest keys are forgotten first.
MAX_KEYS = 100_000

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
KeyInBody = Callable[[dict[str, Any]], str | None]


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    fingerprint: bytes
    status: int
    body: bytes
    location: str | None

    def response(self) -> web.Response:
        headers = {REPLAYED_HEADER: "true"}
        if self.location is not None:
            headers["Location"] = self.location
        return web.Response(
            body=self.body,
            status=self.status,
            headers=headers,
            content_type="application/json",
            charset="utf-8",
        )


class IdempotencyStore:
    def __init__(self, capacity: int = MAX_KEYS) -> None:
        self._capacity = capacity
        self._answers: OrderedDict[str, StoredAnswer] = OrderedDict()
        self._locks: dict[str, asyncio.Lock] = {}
        self._holders: Counter[str] = Counter()

    def get(self, key: str) -> StoredAnswer | None:
        return self._answers.get(key)

    def put(self, key: str, answer: StoredAnswer) -> None:
        self._answers[key] = answer
        if len(self._answers) > self._capacity:
            self._answers.popitem(last=False)

    @asynccontextmanager
    async def exclusive(self, key: str) -> AsyncIterator[None]:
        """Hold the key: a second request with it waits for the first one's answer."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] += 1
        try:
            async with lock:
                yield
        finally:
            self._holders[key] -= 1
            if not self._holders[key]:
                del self._holders[key]
                del self._locks[key]


IDEMPOTENCY = web.AppKey("idempotency", IdempotencyStore)


def idempotent(key_in_body: KeyInBody | None = None) -> Callable[[Handler], Handler]:
    """Make a POST handler idempotent under the ``Idempotency-Key`` header.

    ``key_in_body`` names a fallback key inside the body (a TMF622 order's
    ``externalId``), used when the header is absent.
    """

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            raw = await request.read()
            key = _key_of(request, raw, key_in_body)
            if key is None:
                return await handler(request)
            store = request.app[IDEMPOTENCY]
            fingerprint = _fingerprint(request, raw)
            async with store.exclusive(key):
                stored = store.get(key)
                if stored is not None:
                    if stored.fingerprint != fingerprint:
                        raise conflict(
                            f"the idempotency key {key!r} was used for another request",
                            "IDEMPOTENCY_KEY_REUSED",
                        )
                    return stored.response()
                try:
                    response = await handler(request)
                except TmfError as error:
                    response = error.response()
                if isinstance(response, web.Response) and response.status < 500:
                    body = response.body
                    store.put(
                        key,
                        StoredAnswer(
                            fingerprint,
                            response.status,
                            body if isinstance(body, bytes) else b"",
                            response.headers.get("Location"),
                        ),
                    )
                return response

        return wrapper

    return decorate


def request_key(request: web.Request) -> str | None:
    """The header's key, for handlers that record it (the billing ledger does)."""
    return request.headers.get(IDEMPOTENCY_HEADER)


def _key_of(request: web.Request, raw: bytes, key_in_body: KeyInBody | None) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None and key_in_body is not None:
        body = _json_object(raw)
        key = key_in_body(body) if body is not None else None
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise bad_request(f"an idempotency key is 1 to {MAX_KEY_LENGTH} printable characters")
    return key


def _fingerprint(request: web.Request, raw: bytes) -> bytes:
    body = _json_object(raw)
    # Key order and whitespace do not make another request; anything else does.
    canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS) if body is not None else raw
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), canonical):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return body if isinstance(body, dict) else None
