"""The security store as the login flow sees it. Each method is one atomic step, so that
concurrent attempts (aliases in one request, a batch, several processes) are each counted.

Keys are opaque strings chosen by the caller (`login:+79001234567`); hashes are computed
by the caller (the store never sees a code or a token)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from domain.security import CodeAttempt, CodeIssue, PendingLink, RotateOutcome, SessionRecord


class SecurityStore(Protocol):
    async def issue_code(
        self,
        key: str,
        code_hash: str,
        *,
        ttl: float,
        resend_after: float,
        max_tries: int,
        meta: dict[str, Any] | None = None,
    ) -> CodeIssue:
        """Store a new code under `key`, replacing the old one, unless the old one was
        issued less than `resend_after` seconds ago."""
        ...

    async def attempt_code(self, key: str) -> CodeAttempt:
        """Count one attempt at the code under `key` and hand back its hash to compare."""
        ...

    async def consume_code(self, key: str, code_hash: str) -> bool:
        """Delete the code if it is still the one with `code_hash` (a code works once)."""
        ...

    async def hit(self, key: str, window: float, by: int = 1) -> int:
        """Count `by` events in the current fixed window of `window` seconds (windows start
        at multiples of `window` on the store's clock); returns the count so far."""
        ...

    async def hit_many(self, keys: Sequence[str], window: float, by: int = 1) -> list[int]:
        """`hit` on each key, at once (one round trip): the counts so far, in order."""
        ...

    async def spend(self, key: str, window: float, limit: int) -> int | None:
        """Count one event in the current window of `window` seconds unless `limit` are
        counted there already. Returns the window's index (for `refund`), or None when the
        budget is used up (then nothing is counted)."""
        ...

    async def refund(self, key: str, window: float, slot: int) -> None:
        """Uncount one event that `spend` counted in window `slot` (never below zero)."""
        ...

    async def create_session(self, token_hash: str, session: SessionRecord) -> None: ...

    async def rotate_session(
        self, old_hash: str, new_hash: str, new_expires_at: float
    ) -> tuple[RotateOutcome, SessionRecord | None]:
        """Swap a refresh token for a new one in the same family."""
        ...

    async def revoke_session(self, token_hash: str) -> bool:
        """Revoke the whole family of the token; False when the token is unknown."""
        ...

    async def put_pending(self, owner: str, target: str, alias: str | None, ttl: float) -> None:
        """Remember a link `owner` asked for and `target` has not confirmed yet."""
        ...

    async def pending(self, owner: str) -> dict[str, str | None]:
        """Pending links of `owner`: target -> alias."""
        ...

    async def pending_links(self, owners: Sequence[str]) -> dict[str, dict[str, PendingLink]]:
        """The pending links of many owners in one round trip, with their expiry (screens
        read them through the shared cache, adapters/security/kept_pending.py, and drop
        the expired ones as they read)."""
        ...

    async def drop_pending(self, owner: str, target: str) -> None: ...
