"""Field usage in Redis, shared by every gateway process.

Per day and coordinate one hash, `<ns>:usage:<YYYY-MM-DD>:<Type.field>`, of
`name<TAB>version` -> uses; and per coordinate a sorted set `<ns>:usage:seen:<Type.field>`
of the same members scored by when each was last seen (ZADD GT, so a process flushing
late never moves it back). Every key expires after the retention window, refreshed on
each write: a coordinate nobody uses any more disappears by itself.

One flush is one pipelined round trip, whatever the number of keys; a failure is logged
and the window's counts are dropped (usage is statistics, never worth failing a request
or growing without bound).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.usage.port import Client, ClientUsage

log = logging.getLogger(__name__)

_SEP = "\t"


def _member(client: Client) -> str:
    return f"{client.name}{_SEP}{client.version}"


def _client(member: bytes | str) -> Client:
    text = member.decode() if isinstance(member, bytes) else member
    name, _, version = text.partition(_SEP)
    return Client(name, version)


class RedisUsageStore:
    def __init__(self, redis: Redis, namespace: str, retention_days: int) -> None:
        self._redis = redis
        self._prefix = f"{namespace}:usage:"
        self._ttl = (retention_days + 1) * 86400

    def _day_key(self, day: date, coordinate: str) -> str:
        return f"{self._prefix}{day.isoformat()}:{coordinate}"

    def _seen_key(self, coordinate: str) -> str:
        return f"{self._prefix}seen:{coordinate}"

    async def add(
        self, day: date, counts: Mapping[tuple[str, Client], int], seen_at: datetime
    ) -> None:
        if not counts:
            return
        stamp = seen_at.timestamp()
        pipe = self._redis.pipeline(transaction=False)
        touched: set[str] = set()
        for (coordinate, client), uses in counts.items():
            member = _member(client)
            day_key, seen_key = self._day_key(day, coordinate), self._seen_key(coordinate)
            pipe.hincrby(day_key, member, uses)
            pipe.zadd(seen_key, {member: stamp}, gt=True)
            touched.update((day_key, seen_key))
        for key in touched:
            pipe.expire(key, self._ttl)
        try:
            await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("usage flush failed, %d counts dropped: %s", len(counts), exc)

    async def read(self, coordinate: str, days: Sequence[date]) -> list[ClientUsage]:
        pipe = self._redis.pipeline(transaction=False)
        for day in days:
            pipe.hgetall(self._day_key(day, coordinate))
        pipe.zrange(self._seen_key(coordinate), 0, -1, withscores=True)
        *per_day, seen = await pipe.execute()
        totals: dict[Client, int] = {}
        for counts in per_day:
            for member, uses in counts.items():
                client = _client(member)
                totals[client] = totals.get(client, 0) + int(uses)
        last = {_client(m): datetime.fromtimestamp(s, UTC) for m, s in seen}
        return sorted(
            (ClientUsage(c, n, last.get(c)) for c, n in totals.items()),
            key=lambda u: (-u.count, u.client.name, u.client.version),
        )
