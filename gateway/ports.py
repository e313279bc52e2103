"""The ports the resolvers see (resolvers/ports.py), built from the settings: each
backend's adapter behind its caches, and the number's read model over those caches."""

from __future__ import annotations

from pathlib import Path

from adapters.audit import FileAuditLog, LoggerAuditLog
from adapters.billing.cached import CachedBilling
from adapters.billing.http import HttpBilling
from adapters.billing.ocs.actions import OcsActions
from adapters.billing.ocs.billing import OcsBilling, build_ocs_billing
from adapters.billing.port import BillingActionsPort, BillingPort
from adapters.cache.answers import AnswerCache
from adapters.cache.early import EarlyRefresh
from adapters.cache.number_reads import NumberRead, NumberReads
from adapters.cache.reads import ReadCaches
from adapters.cache.refresher import Refresher
from adapters.clock import Clock
from adapters.loyalty.cached import CachedLoyalty
from adapters.loyalty.http import HttpLoyalty
from adapters.payments.http import HttpPayments
from adapters.provisioning.cached import CachedProvisioning
from adapters.provisioning.http import HttpProvisioning
from adapters.security.kept_pending import KeptPending
from adapters.sms.http import HttpSms
from adapters.support.http import HttpSupport
from gateway.auth import TokenAuthority
from gateway.backend_clients import BackendClients
from gateway.money import build_top_ups
from gateway.settings import Settings
from gateway.stores import Stores
from resolvers.ports import Ports


def build_ports(
    settings: Settings,
    clock: Clock,
    clients: BackendClients,
    stores: Stores,
    tokens: TokenAuthority,
) -> Ports:
    namespace = settings.cache_namespace
    cache = stores.cache
    early = EarlyRefresh(settings.refresh_ahead)
    answers = (
        AnswerCache(cache, namespace, settings.answer_ttl, clock, early)
        if settings.answer_ttl
        else None
    )
    refresher = Refresher(cache, concurrency=settings.refresh_concurrency)
    reads = ReadCaches(
        cache,
        namespace,
        settings.read_ttl,
        clock=clock,
        early=early,
        refresher=refresher if settings.refresh_ahead else None,
    )
    billing_reads, billing_actions = _billing(settings, clients, clock)
    billing = CachedBilling(
        billing_reads,
        billing_actions,
        cache,
        clock,
        namespace=namespace,
        fresh_ttl=settings.balance_ttl,
        keep_ttl=settings.balance_keep,
        reads=reads,
    )
    provisioning = CachedProvisioning(
        HttpProvisioning(
            clients.client("provisioning", settings.provisioning_url, settings.provisioning_timeout)
        ),
        clock,
        settings.catalog_ttl,
        reads,
    )
    loyalty = CachedLoyalty(
        HttpLoyalty(
            clients.client("loyalty", settings.loyalty_url, settings.loyalty_timeout),
            clock,
            settings.offers_ttl,
        ),
        reads,
    )
    payments = HttpPayments(
        clients.client(
            "payments", settings.payments_url or settings.billing_url, settings.billing_timeout
        )
    )
    number_reads = NumberReads(billing, reads, answers, refresher)

    async def credited(msisdn: str) -> None:
        # A credit landed (a request's saga, or the recovery worker's): the balance shown
        # must be billing's new one.
        await number_reads.forget([msisdn], [NumberRead.BALANCE])

    top_ups = build_top_ups(settings, payments, billing_reads, stores.redis, clock, credited)
    return Ports(
        billing=billing,
        payments=payments,
        top_ups=top_ups,
        provisioning=provisioning,
        loyalty=loyalty,
        sms=HttpSms(
            clients.client("sms", settings.sms_url, settings.sms_timeout), settings.sms_sender
        ),
        security=stores.security,
        tokens=tokens,
        audit=FileAuditLog(Path(settings.audit_log)) if settings.audit_log else LoggerAuditLog(),
        audit_store=stores.audit,
        support=HttpSupport(
            clients.client("support", settings.support_url, settings.support_timeout)
        ),
        events=stores.events,
        answers=answers,
        # What the caches above keep, and the one way to drop it (number_reads.py).
        reads=number_reads,
        pending=KeptPending(stores.security, reads),
        idempotency=stores.idempotency,
    )


def ocs_billing(settings: Settings, clients: BackendClients, clock: Clock) -> OcsBilling:
    """Billing on SigScale OCS as the settings name it: the port's, and the hub's client
    (gateway/ocs_hub.py)."""
    return build_ocs_billing(
        clients.session,
        settings.billing_url,
        settings.billing_username,
        settings.billing_password.get_secret_value(),
        settings.billing_timeout,
        settings.billing_concurrency,
        clock,
        currency=settings.billing_currency,
        guard=clients.guard("billing"),
    )


def _billing(
    settings: Settings, clients: BackendClients, clock: Clock
) -> tuple[BillingPort, BillingActionsPort]:
    if settings.billing_dialect == "sigscale-ocs":
        ocs = ocs_billing(settings, clients, clock)
        return ocs, OcsActions(ocs)
    v4 = HttpBilling(
        clients.client("billing", settings.billing_url, settings.billing_timeout), clock
    )
    return v4, v4
