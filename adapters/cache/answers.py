"""Whole answers of a subscriber's own screens, kept for a few seconds, and dropped with
everything else cached for the number when it changes.

An entry is `<epoch>\\n<answer JSON>` under `<ns>:answer:a1:<msisdn>:<digest>`; the
number's epoch is a random token under `<ns>:epoch:a1:<msisdn>`, replaced whenever
something about the number changes (`forget`). An answer counts only while the epoch it
was computed under is still the number's: so an answer that a process was computing while
another process changed the number is never served, whatever order their writes land in,
and dropping a number's answers is one write, however many are kept.

An epoch outlives every answer stored under the one before it (twice the answers' TTL
and a minute: an answer is stored at most a request's deadline after its lookup), so a
late answer cannot come back to life when the epoch key expires.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from adapters.cache.port import Cache

LAYOUT_VERSION = "a1"


class AnswerCache:
    def __init__(self, cache: Cache, namespace: str, ttl: float) -> None:
        self._cache = cache
        self._answers = f"{namespace}:answer:{LAYOUT_VERSION}:"
        self._epochs = f"{namespace}:epoch:{LAYOUT_VERSION}:"
        self._ttl = ttl
        self._epoch_ttl = 2 * ttl + 60

    async def lookup(self, msisdn: str, digest: str) -> tuple[bytes | None, bytes]:
        """The kept answer (or None) and the number's epoch, to store a new answer under."""
        epoch, entry = await self._cache.get_many(
            [self._epochs + msisdn, f"{self._answers}{msisdn}:{digest}"]
        )
        current = epoch or b""
        if entry is not None:
            seen, _, answer = entry.partition(b"\n")
            if seen == current:
                return answer, current
        return None, current

    async def store(self, msisdn: str, digest: str, epoch: bytes, answer: bytes) -> None:
        await self._cache.set_many(
            {f"{self._answers}{msisdn}:{digest}": epoch + b"\n" + answer}, self._ttl
        )

    async def forget(self, msisdns: Sequence[str]) -> None:
        """The numbers changed: no answer kept for them counts any more."""
        if not msisdns:
            return
        await self._cache.set_many(
            {self._epochs + m: secrets.token_hex(8).encode() for m in msisdns}, self._epoch_ttl
        )
