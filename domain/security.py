"""What the security store keeps and answers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


@dataclass(frozen=True, slots=True)
class CodeIssue:
    """The answer to issuing a code: issued, or not before `retry_after` seconds."""

    issued: bool
    retry_after: float = 0.0


class CodeCheck(Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    # Tries used up by this attempt or before: the code is dead.
    EXHAUSTED = "exhausted"
    # No live code: never asked, expired, used, or replaced.
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class CodeAttempt:
    """One attempt, counted before the comparison: `stored_hash` is what to compare the
    offered code against (in constant time); None when the attempt cannot succeed."""

    outcome: CodeCheck
    stored_hash: str | None
    meta: dict[str, Any]
    tries_left: int


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A refresh-token session: one login, rotated on every refresh."""

    family: str
    msisdn: str
    expires_at: float


class RotateOutcome(Enum):
    ROTATED = "rotated"
    # A token that was already rotated came back: it was stolen or replayed, so the whole
    # family is revoked.
    REUSED = "reused"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class PendingLink:
    """A link its owner asked for and its target has not confirmed yet: shown until
    `expires_at` (epoch seconds), when the target's code expires."""

    alias: str | None
    expires_at: float

    def current(self, now: float) -> bool:
        return self.expires_at > now
