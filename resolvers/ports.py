"""The backends as the resolvers see them: one port each, wired by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from adapters.audit import AuditLog
from adapters.audit_store import AuditStore
from adapters.billing.cached import CachedBilling
from adapters.cache.answers import AnswerCache
from adapters.cache.number_reads import NumberReads
from adapters.events.bus import EventBus
from adapters.idempotency.port import IdempotencyStore
from adapters.loyalty.port import LoyaltyPort
from adapters.payments.port import PaymentsPort
from adapters.provisioning.port import ProvisioningPort
from adapters.security.kept_pending import KeptPending
from adapters.security.port import SecurityStore
from adapters.sms.port import SmsPort
from adapters.support.port import SupportPort
from domain.principals import Principal
from resolvers.money.top_up_saga import TopUpSagas


class AccessTokens(Protocol):
    """Mints the access tokens the gateway later verifies (gateway/auth.py)."""

    @property
    def ttl_seconds(self) -> int: ...

    def mint(self, principal: Principal, ttl_seconds: int | None = None) -> str: ...


@dataclass(frozen=True, slots=True)
class Ports:
    billing: CachedBilling
    payments: PaymentsPort
    provisioning: ProvisioningPort
    loyalty: LoyaltyPort
    sms: SmsPort
    security: SecurityStore
    tokens: AccessTokens
    audit: AuditLog
    # The same reads, as supervisors query them.
    audit_store: AuditStore
    idempotency: IdempotencyStore
    support: SupportPort
    events: EventBus
    # What is kept of each number's reads, and the one way to drop it after a change.
    reads: NumberReads
    # The links asked for and not confirmed yet, as screens read them (kept beside the
    # number's other reads; the actions read `security`).
    pending: KeptPending
    # Whole answers of subscribers' screens; None when switched off (TGW_ANSWER_TTL=0).
    answers: AnswerCache | None = None
    # Top-ups as sagas across payments and billing (set by the composition root).
    top_ups: TopUpSagas | None = None
