"""Which schema coordinates (`Type.field`) each client uses, counted on the hot path for
next to nothing and kept in the usage store (adapters/usage/) for the gateway team.

Clients name themselves as Apollo Client does, with the `apollographql-client-name` and
`apollographql-client-version` headers; a client that sends neither is the anonymous
client, counted like any other. An operation's coordinates are derived from its shape's
fields (gateway/shape.py) once per distinct shape and cached; recording an operation is
then one dict increment in process. A background task flushes the window (every
`TGW_USAGE_FLUSH_SECONDS`, and on shutdown) as one pipelined write, so no request waits
on Redis for this. At each flush:

- the window's uses go to the store, per day, client, version and coordinate;
- the top `TGW_USAGE_METRICS_TOP` coordinates are added to `tgw_field_usage_total`
  (the rest as `(other)`, so the series stay few whatever the schema's size);
- each use of a `@deprecated` field is logged once per client, version and field.

Header values are a stranger's: trimmed to printable ASCII and 64 characters, and past
`TGW_USAGE_CLIENTS` distinct clients in one window further ones count as `(other)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from graphql import GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema

from adapters import metrics
from adapters.clock import Clock
from adapters.usage.port import Client, UsageStore
from gateway.shape import Shape

log = logging.getLogger("telecom_gateway.usage")

NAME_HEADER = "apollographql-client-name"
VERSION_HEADER = "apollographql-client-version"
OTHER = Client("(other)", "")
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")
_MAX_LABEL = 64


def _clean(text: str) -> str:
    if len(text) <= _MAX_LABEL and text.isascii() and text.isprintable():
        return text.strip()  # the usual case, without the regex
    return _UNPRINTABLE.sub("", text)[:_MAX_LABEL].strip()


def schema_fields(schema: GraphQLSchema) -> dict[str, str | None]:
    """Every output field's coordinate -> its deprecation reason (None: not deprecated)."""
    found: dict[str, str | None] = {}
    for name, kind in schema.type_map.items():
        if name.startswith("__") or not isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            continue
        for field_name, field in kind.fields.items():
            found[f"{name}.{field_name}"] = field.deprecation_reason
    return found


class UsageRecorder:
    def __init__(
        self,
        store: UsageStore,
        schema: GraphQLSchema,
        clock: Clock,
        *,
        flush_seconds: float,
        max_clients: int,
        metrics_top: int,
    ) -> None:
        self._store = store
        self._clock = clock
        self._flush_seconds = flush_seconds
        self._max_clients = max_clients
        self._metrics_top = metrics_top
        fields = schema_fields(schema)
        self._known = frozenset(fields)
        self.deprecated = {c: reason for c, reason in fields.items() if reason is not None}
        # Keyed by the shape's own frozenset of fields: a cached shape (gateway/shape.py)
        # hands over the very same object, whose hash Python keeps, so a repeated
        # operation costs one dict lookup here.
        self._coordinates = lru_cache(maxsize=2000)(self._coordinates_of)
        self._window: dict[tuple[Client, frozenset[str]], int] = {}
        self._clients: dict[tuple[str, str], Client] = {}
        self._task: asyncio.Task[None] | None = None

    def _coordinates_of(self, fields: frozenset[str]) -> frozenset[str]:
        # Only fields of the schema: an invented name must not become a key anywhere.
        named = (f.removesuffix("(...)") for f in fields)
        return frozenset(c for c in named if c in self._known)

    def record(self, headers: Mapping[str, str], shapes: Iterable[Shape | None]) -> None:
        """Count the operations of one request that ran (None: refused, not counted)."""
        client: Client | None = None
        for shape in shapes:
            if shape is None:
                continue
            if client is None:
                client = self._client(headers)
            key = (client, self._coordinates(shape.fields))
            self._window[key] = self._window.get(key, 0) + 1

    def _client(self, headers: Mapping[str, str]) -> Client:
        raw = (headers.get(NAME_HEADER, ""), headers.get(VERSION_HEADER, ""))
        known = self._clients.get(raw)
        if known is not None:
            return known
        if len(self._clients) >= self._max_clients:
            return OTHER
        client = Client(_clean(raw[0]), _clean(raw[1]))
        # Keyed by the headers as sent: the window's known clients skip the cleaning.
        self._clients[raw] = client
        return client

    def start(self) -> None:
        self._task = asyncio.create_task(self._flush_periodically(), name="usage-flush")

    async def _flush_periodically(self) -> None:
        while True:
            await asyncio.sleep(self._flush_seconds)
            try:
                await self.flush()
            except Exception:
                log.exception("usage flush failed")

    async def flush(self) -> None:
        """Hand the window to the store, the metrics and the deprecation log."""
        window, self._window = self._window, {}
        self._clients = {}
        counts: dict[tuple[str, Client], int] = {}
        for (client, coordinates), uses in window.items():
            for coordinate in coordinates:
                counts[coordinate, client] = counts.get((coordinate, client), 0) + uses
        if not counts:
            return
        self._export(counts)
        self._log_deprecated(counts)
        now = self._clock.now()
        await self._store.add(now.date(), counts, now)

    def _export(self, counts: Mapping[tuple[str, Client], int]) -> None:
        per_coordinate: dict[str, int] = {}
        for (coordinate, _), uses in counts.items():
            per_coordinate[coordinate] = per_coordinate.get(coordinate, 0) + uses
        ranked = sorted(per_coordinate.items(), key=lambda item: (-item[1], item[0]))
        for coordinate, uses in ranked[: self._metrics_top]:
            metrics.FIELD_USAGE.labels(coordinate).inc(uses)
        rest = sum(uses for _, uses in ranked[self._metrics_top :])
        if rest:
            metrics.FIELD_USAGE.labels("(other)").inc(rest)

    def _log_deprecated(self, counts: Mapping[tuple[str, Client], int]) -> None:
        for (coordinate, client), uses in sorted(counts.items(), key=lambda i: i[0][0]):
            reason = self.deprecated.get(coordinate)
            if reason is not None:
                log.warning(
                    "deprecated field used",
                    extra={
                        "coordinate": coordinate,
                        "reason": reason,
                        "client": client.name,
                        "client_version": client.version,
                        "uses": uses,
                    },
                )

    async def close(self) -> None:
        """Stop the periodic flush and flush what is left (on shutdown)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
