"""Early refresh: when a kept entry is refreshed, so that hot entries never expire together.

Every entry written at the same moment (a warm-up, a burst of first screens) would
otherwise expire at the same moment, and every request of that moment would go to the
backends and execute at once: the tail of issue #14. Instead each entry has a refresh
moment inside the last `ahead` fraction of its TTL, jittered per entry; the first read
after that moment starts one refresh (adapters/cache/refresher.py for the read caches,
the request itself for whole answers) while every read goes on being served the entry,
which is still fresh. A hot entry is therefore replaced before it expires; an entry
nobody reads in its window simply expires, as before.

The jitter is a hash of the entry's key and the moment it was written, not a random draw:
every process computes the same refresh moment for an entry (so the lease that bounds
refreshes across processes is asked for once per moment, not once per process), and
entries written together still spread over the whole window.

Freshness is decided by the moment written into the entry and the gateway's clock, not by
Redis's own expiry (which only cleans up): every process agrees, and the tests move the
clock instead of sleeping.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum


class Freshness(Enum):
    FRESH = "fresh"
    DUE = "due"  # still fresh, and its refresh moment has come: serve it and refresh it
    EXPIRED = "expired"


def jitter(key: str, written_at: float) -> float:
    """A number in [0, 1), the same for the same entry in every process, spread over keys."""
    digest = hashlib.blake2b(f"{key}\n{written_at:.3f}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass(frozen=True, slots=True)
class EarlyRefresh:
    """`ahead`: the fraction of a TTL, at its end, in which an entry's refresh moment lies
    (0: never refreshed early, entries just expire)."""

    ahead: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.ahead < 1.0:
            raise ValueError("the early refresh fraction must be in [0, 1)")

    def refresh_at(self, key: str, written_at: float, ttl: float) -> float:
        """The moment from which a read of the entry starts its refresh: in
        [written_at + ttl * (1 - ahead), written_at + ttl)."""
        return written_at + ttl * (1.0 - self.ahead * (1.0 - jitter(key, written_at)))

    def freshness(self, key: str, written_at: float, ttl: float, now: float) -> Freshness:
        age = now - written_at
        if age >= ttl:
            return Freshness.EXPIRED
        # Before the window no jitter can make it due: most reads, and no hash for them
        # (the microsecond: rounding between `now - written_at` and `written_at + ...`).
        if (
            self.ahead
            and age >= ttl * (1.0 - self.ahead) - 1e-6
            and now >= self.refresh_at(key, written_at, ttl)
        ):
            return Freshness.DUE
        return Freshness.FRESH

    def lease(self, ttl: float) -> float:
        """How long one refresh holds an entry's lease: the refresh window, at least a
        second. A refresh that failed is then not retried by another process within its
        window; the entry keeps being served until it expires."""
        return max(1.0, ttl * self.ahead)


OFF = EarlyRefresh(0.0)


def stamp(written_at: float, value: bytes) -> bytes:
    """An entry as stored: the moment it was written, a newline, the value."""
    return b"%.3f\n%b" % (written_at, value)


def unstamp(entry: bytes) -> tuple[float, bytes] | None:
    """The moment and the value of a stored entry; None when it is not one (an older
    layout, a damaged entry): a miss."""
    head, sep, value = entry.partition(b"\n")
    if not sep:
        return None
    try:
        return float(head), value
    except ValueError:
        return None
