"""The security store in process: the demo and single-process setups without Redis.
Same semantics as the Redis store (each method atomic: no awaits inside)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from adapters.clock import Clock
from domain.security import (
    CodeAttempt,
    CodeCheck,
    CodeIssue,
    PendingLink,
    RotateOutcome,
    SessionRecord,
)


@dataclass
class _Code:
    code_hash: str
    issued_at: float
    expires_at: float
    max_tries: int
    meta: dict[str, Any]
    tries: int = 0


@dataclass
class _Token:
    session: SessionRecord
    used: bool = False


@dataclass
class _Pending:
    alias: str | None
    expires_at: float


@dataclass
class MemorySecurityStore:
    clock: Clock
    _codes: dict[str, _Code] = field(default_factory=dict)
    _hits: dict[tuple[str, int], int] = field(default_factory=dict)
    _tokens: dict[str, _Token] = field(default_factory=dict)
    _families: dict[str, set[str]] = field(default_factory=dict)
    _pending: dict[str, dict[str, _Pending]] = field(default_factory=dict)

    def _now(self) -> float:
        return self.clock.now().timestamp()

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
        now = self._now()
        old = self._codes.get(key)
        if old is not None and old.expires_at > now and now - old.issued_at < resend_after:
            return CodeIssue(issued=False, retry_after=resend_after - (now - old.issued_at))
        self._codes[key] = _Code(code_hash, now, now + ttl, max_tries, dict(meta or {}))
        return CodeIssue(issued=True)

    async def attempt_code(self, key: str) -> CodeAttempt:
        code = self._codes.get(key)
        if code is None or code.expires_at <= self._now():
            self._codes.pop(key, None)
            return CodeAttempt(CodeCheck.MISSING, None, {}, 0)
        code.tries += 1
        if code.tries > code.max_tries:
            return CodeAttempt(CodeCheck.EXHAUSTED, None, {}, 0)
        return CodeAttempt(CodeCheck.WRONG, code.code_hash, code.meta, code.max_tries - code.tries)

    async def consume_code(self, key: str, code_hash: str) -> bool:
        code = self._codes.get(key)
        if code is None or code.code_hash != code_hash:
            return False
        del self._codes[key]
        return True

    async def hit(self, key: str, window: float, by: int = 1) -> int:
        slot = (key, int(self._now() // window))
        self._hits[slot] = self._hits.get(slot, 0) + by
        return self._hits[slot]

    async def hit_many(self, keys: Sequence[str], window: float, by: int = 1) -> list[int]:
        return [await self.hit(key, window, by) for key in keys]

    async def spend(self, key: str, window: float, limit: int) -> int | None:
        index = int(self._now() // window)
        count = self._hits.get((key, index), 0)
        if count >= limit:
            return None
        self._hits[(key, index)] = count + 1
        return index

    async def refund(self, key: str, window: float, slot: int) -> None:
        count = self._hits.get((key, slot), 0)
        if count > 0:
            self._hits[(key, slot)] = count - 1

    async def create_session(self, token_hash: str, session: SessionRecord) -> None:
        self._tokens[token_hash] = _Token(session)
        self._families.setdefault(session.family, set()).add(token_hash)

    async def rotate_session(
        self, old_hash: str, new_hash: str, new_expires_at: float
    ) -> tuple[RotateOutcome, SessionRecord | None]:
        token = self._tokens.get(old_hash)
        if token is None or token.session.expires_at <= self._now():
            return RotateOutcome.UNKNOWN, None
        if token.used:
            self._revoke_family(token.session.family)
            return RotateOutcome.REUSED, None
        token.used = True
        session = SessionRecord(token.session.family, token.session.msisdn, new_expires_at)
        await self.create_session(new_hash, session)
        return RotateOutcome.ROTATED, session

    async def revoke_session(self, token_hash: str) -> bool:
        token = self._tokens.get(token_hash)
        if token is None:
            return False
        self._revoke_family(token.session.family)
        return True

    def _revoke_family(self, family: str) -> None:
        for member in self._families.pop(family, set()):
            self._tokens.pop(member, None)

    async def put_pending(self, owner: str, target: str, alias: str | None, ttl: float) -> None:
        self._pending.setdefault(owner, {})[target] = _Pending(alias, self._now() + ttl)

    async def pending(self, owner: str) -> dict[str, str | None]:
        now = self._now()
        return {t: p.alias for t, p in self._pending.get(owner, {}).items() if p.expires_at > now}

    async def pending_links(self, owners: Sequence[str]) -> dict[str, dict[str, PendingLink]]:
        now = self._now()
        return {
            owner: {
                target: PendingLink(p.alias, p.expires_at)
                for target, p in self._pending.get(owner, {}).items()
                if p.expires_at > now
            }
            for owner in owners
        }

    async def drop_pending(self, owner: str, target: str) -> None:
        self._pending.get(owner, {}).pop(target, None)

    async def close(self) -> None:
        return None
