"""Whole answers of a subscriber's own screens, kept for a few seconds, and dropped with
everything else cached for the number when it changes.

An entry is `<epoch>\\n<written at>\\n<answer JSON>` under
`<ns>:answer:a2:<msisdn>:<digest>`; the number's epoch is a random token under
`<ns>:epoch:a1:<msisdn>`, replaced whenever something about the number changes
(`forget`). An answer counts only while the epoch it was computed under is still the
number's: so an answer that a process was computing while another process changed the
number is never served, whatever order their writes land in, and dropping a number's
answers is one write, however many are kept.

An epoch outlives every answer stored under the one before it (twice the answers' TTL
and a minute: an answer is stored at most a request's deadline after its lookup), so a
late answer cannot come back to life when the epoch key expires.

Early refresh (adapters/cache/early.py): from an answer's refresh moment (in the last
part of its TTL, jittered per answer) one request -- one in this process, and one across
processes through a lease in the shared cache -- is told to compute the answer again
(`Kept.refreshing`) while every other request is still served the kept one. It computes
under the epoch it looked up, like any miss, so a change meanwhile is never overwritten;
when its execution fails, it is served the kept answer, still within its TTL, instead.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import NamedTuple

from adapters.cache.early import OFF, EarlyRefresh, Freshness
from adapters.cache.port import Cache
from adapters.clock import Clock, SystemClock

LAYOUT_VERSION = "a2"  # a2: the moment written, after the epoch
EPOCH_VERSION = "a1"


class Kept(NamedTuple):
    """What a lookup found: the answer to serve (None: execute), the epoch to store a new
    answer under, and whether this request is the one to compute the answer again early
    (then `answer` is what to serve if that fails; `done` must follow)."""

    answer: bytes | None
    epoch: bytes
    refreshing: bool = False


class AnswerCache:
    def __init__(
        self,
        cache: Cache,
        namespace: str,
        ttl: float,
        clock: Clock | None = None,
        early: EarlyRefresh = OFF,
    ) -> None:
        self._cache = cache
        self._answers = f"{namespace}:answer:{LAYOUT_VERSION}:"
        self._epochs = f"{namespace}:epoch:{EPOCH_VERSION}:"
        self._ttl = ttl
        self._epoch_ttl = 2 * ttl + 60
        self._clock = clock or SystemClock()
        self._early = early
        # Answers this process is computing again (one request each).
        self._refreshing: set[str] = set()

    async def lookup(self, msisdn: str, digest: str) -> Kept:
        """The kept answer (or None) and the number's epoch, to store a new answer under."""
        key = f"{self._answers}{msisdn}:{digest}"
        epoch, entry = await self._cache.get_many([self._epochs + msisdn, key])
        current = epoch or b""
        if entry is None:
            return Kept(None, current)
        seen, _, rest = entry.partition(b"\n")
        written, _, answer = rest.partition(b"\n")
        try:
            written_at = float(written)
        except ValueError:
            return Kept(None, current)
        if seen != current:
            return Kept(None, current)
        now = self._clock.now().timestamp()
        freshness = self._early.freshness(key, written_at, self._ttl, now)
        if freshness is Freshness.EXPIRED:
            return Kept(None, current)
        if freshness is Freshness.DUE and key not in self._refreshing:
            self._refreshing.add(key)
            mine = False
            try:
                mine = await self._cache.claim(key + ":refresh", self._early.lease(self._ttl))
            finally:
                if not mine:
                    self._refreshing.discard(key)
            if mine:
                return Kept(answer, current, refreshing=True)
        return Kept(answer, current)

    def done(self, msisdn: str, digest: str) -> None:
        """The request told `refreshing` has finished (stored or not)."""
        self._refreshing.discard(f"{self._answers}{msisdn}:{digest}")

    async def store(self, msisdn: str, digest: str, epoch: bytes, answer: bytes) -> None:
        written = b"%.3f" % self._clock.now().timestamp()
        await self._cache.set_many(
            {f"{self._answers}{msisdn}:{digest}": epoch + b"\n" + written + b"\n" + answer},
            self._ttl,
        )

    async def forget(self, msisdns: Sequence[str]) -> None:
        """The numbers changed: no answer kept for them counts any more."""
        if not msisdns:
            return
        await self._cache.set_many(
            {self._epochs + m: secrets.token_hex(8).encode() for m in msisdns}, self._epoch_ttl
        )
