"""Honest fakes of the backend ports: in-memory implementations of the Protocols in
adapters/*/port.py over one small operator (`Operator`), with the effects the real
systems have on each other (a package order takes money in billing and adds a quota).

`build_context` wires them the way the composition root wires the HTTP adapters
(gateway/ports.py): behind the real caches, in process, and the real read model, so a
resolver test exercises everything but the network.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from adapters.audit import AuditEntry
from adapters.audit_store import MemoryAuditStore
from adapters.billing.cached import CachedBilling
from adapters.cache.answers import AnswerCache
from adapters.cache.memory import MemoryCache
from adapters.cache.number_reads import NumberReads
from adapters.cache.reads import ReadCaches
from adapters.events.bus import MemoryBus
from adapters.idempotency.memory_store import MemoryIdempotencyStore
from adapters.loyalty.cached import CachedLoyalty
from adapters.provisioning.cached import CachedProvisioning
from adapters.security.kept_pending import KeptPending
from adapters.security.memory_store import MemorySecurityStore
from domain.billing import (
    AutopayRecord,
    BalanceRecord,
    ChargeRecord,
    OrderedStatementRecord,
    QuotaRecord,
    StatementRecord,
    TopUpRecord,
    TransferRecord,
)
from domain.loyalty import ActivationRecord, PromotionRecord
from domain.money import Money
from domain.payments import PaymentMethodSpec, PaymentRecord, SavedCardRecord, TopUpPaymentRecord
from domain.principals import Principal, SubscriberPrincipal
from domain.provisioning import (
    AllowanceRecord,
    CatalogRecord,
    CustomerRecord,
    LinkRecord,
    OrderAction,
    OrderItemRecord,
    OrderItemSpec,
    OrderRecord,
    OrderState,
    PackageRecord,
    ProductRecord,
    ProductStatus,
    TariffRecord,
)
from domain.quotas import QuotaKind
from domain.support import ConversationRecord, MessageRecord, TicketRecord
from resolvers.context import Context
from resolvers.loaders import Loaders
from resolvers.ports import Ports
from tests.harness.clock import FakeClock

RUB = "RUB"
TARIFF = TariffRecord(
    id="T-ONLINE",
    name="Онлайн",
    description=None,
    monthly_fee=Money(Decimal(500), RUB),
    allowances=(AllowanceRecord(QuotaKind.DATA, 20.0, unlimited=False),),
)
PACKAGE = PackageRecord(
    id="PKG-5GB",
    name="5 GB",
    description=None,
    price=Money(Decimal(200), RUB),
    adds=(AllowanceRecord(QuotaKind.DATA, 5.0, unlimited=False),),
)
CATALOG = CatalogRecord(tariffs=(TARIFF,), services=(), packages=(PACKAGE,))


@dataclass
class Operator:
    """What billing, provisioning and loyalty know, and what each was asked."""

    clock: FakeClock
    money: dict[str, Decimal] = field(default_factory=dict)
    quotas: dict[str, list[QuotaRecord]] = field(default_factory=dict)
    products: dict[str, list[ProductRecord]] = field(default_factory=dict)
    links: dict[str, list[LinkRecord]] = field(default_factory=dict)
    activations: dict[str, list[ActivationRecord]] = field(default_factory=dict)
    reads: list[str] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids)}"

    def add_subscriber(self, msisdn: str, money: Decimal, data_gb: float) -> None:
        month_end = self.clock.now() + timedelta(days=20)
        self.money[msisdn] = money
        self.quotas[msisdn] = [QuotaRecord(QuotaKind.DATA, data_gb, 20.0, "GB", False, month_end)]
        self.products[msisdn] = [
            ProductRecord(
                self.new_id("P"), msisdn, TARIFF.id, TARIFF.name, ProductStatus.ACTIVE, (), None
            )
        ]

    def move_data(self, msisdn: str, gigabytes: float) -> None:
        quotas = self.quotas[msisdn]
        first = next(i for i, q in enumerate(quotas) if q.kind is QuotaKind.DATA)
        quotas[first] = dataclasses.replace(
            quotas[first], remaining=quotas[first].remaining + gigabytes
        )


class FakeBilling:
    """BillingPort and BillingActionsPort."""

    def __init__(self, operator: Operator) -> None:
        self._op = operator
        self._statements: dict[str, list[OrderedStatementRecord]] = {}

    async def balances(self, msisdns: Sequence[str]) -> Mapping[str, BalanceRecord]:
        self._op.reads.append("balances")
        return {
            m: BalanceRecord(
                m, Money(self._op.money[m], RUB), tuple(self._op.quotas[m]), self._op.clock.now()
            )
            for m in msisdns
            if m in self._op.money
        }

    async def charges(
        self, msisdns: Sequence[str], start: datetime, end: datetime
    ) -> Mapping[str, Sequence[ChargeRecord]]:
        return {}

    async def top_up(self, msisdn: str, amount: Money, payment_id: str, key: str) -> TopUpRecord:
        self._op.money[msisdn] += amount.amount
        return TopUpRecord(self._op.new_id("TU"), msisdn, amount)

    async def autopay(self, msisdn: str) -> AutopayRecord | None:
        return None

    async def set_autopay(
        self,
        msisdn: str,
        amount: Money,
        method: PaymentMethodSpec,
        threshold: Money | None,
        key: str,
    ) -> AutopayRecord:
        return AutopayRecord(
            self._op.new_id("AP"), msisdn, amount, threshold is None, threshold, None
        )

    async def cancel_autopay(self, autopay_id: str) -> None:
        return None

    async def transfer_data(
        self, sender: str, receiver: str, gigabytes: int, key: str
    ) -> TransferRecord:
        self._op.move_data(sender, -gigabytes)
        self._op.move_data(receiver, gigabytes)
        return TransferRecord(self._op.new_id("TR"), sender, receiver, gigabytes)

    async def order_statement(
        self, msisdn: str, start: datetime, end: datetime, email: str, fmt: str, key: str
    ) -> StatementRecord:
        record = StatementRecord(self._op.new_id("ST"), msisdn, "acknowledged", email)
        ordered = OrderedStatementRecord(
            record.id, msisdn, start, end, fmt, email, "done", self._op.clock.now(), None
        )
        self._statements.setdefault(msisdn, []).append(ordered)
        return record

    async def statements(
        self, msisdns: Sequence[str]
    ) -> Mapping[str, Sequence[OrderedStatementRecord]]:
        return {m: self._statements[m] for m in msisdns if m in self._statements}


class FakeProvisioning:
    """ProvisioningPort. An order completes at once, with its effects in billing."""

    def __init__(self, operator: Operator) -> None:
        self._op = operator

    async def catalog(self) -> CatalogRecord:
        return CATALOG

    async def products(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[ProductRecord]]:
        self._op.reads.append("products")
        return {m: tuple(self._op.products[m]) for m in msisdns if m in self._op.products}

    async def customers(self, msisdns: Sequence[str]) -> Mapping[str, CustomerRecord]:
        return {m: CustomerRecord(m, None, None) for m in msisdns if m in self._op.money}

    async def links(self, owners: Sequence[str]) -> Mapping[str, Sequence[LinkRecord]]:
        self._op.reads.append("links")
        return {o: tuple(self._op.links[o]) for o in owners if o in self._op.links}

    async def linked_by(self, numbers: Sequence[str]) -> Mapping[str, Sequence[LinkRecord]]:
        self._op.reads.append("linked_by")
        found: dict[str, list[LinkRecord]] = {}
        for links in self._op.links.values():
            for link in links:
                if link.msisdn in numbers:
                    found.setdefault(link.msisdn, []).append(link)
        return found

    async def verify_password(self, msisdn: str, password: str) -> bool:
        return False

    async def set_password(self, msisdn: str, password: str) -> None:
        raise NotImplementedError("the resolver tests set no passwords")

    async def create_link(self, owner: str, msisdn: str, alias: str | None) -> LinkRecord:
        link = LinkRecord(self._op.new_id("L"), owner, msisdn, alias, self._op.clock.now())
        self._op.links.setdefault(owner, []).append(link)
        return link

    async def delete_link(self, link: LinkRecord) -> None:
        self._op.links[link.owner] = [k for k in self._op.links[link.owner] if k.id != link.id]

    async def place_order(
        self, msisdn: str, items: Sequence[OrderItemSpec], key: str
    ) -> OrderRecord:
        for item in items:
            package = CATALOG.package(item.offering_id)
            if item.action is OrderAction.ADD and package is not None:
                self._op.money[msisdn] -= package.price.amount
                for adds in package.adds:
                    self._op.quotas[msisdn].append(
                        QuotaRecord(adds.kind, adds.amount or 0.0, adds.amount, "GB", False, None)
                    )
                self._op.products[msisdn].append(
                    ProductRecord(
                        self._op.new_id("P"),
                        msisdn,
                        package.id,
                        package.name,
                        ProductStatus.ACTIVE,
                        (),
                        None,
                    )
                )
        return OrderRecord(
            self._op.new_id("O"),
            msisdn,
            OrderState.COMPLETED,
            tuple(OrderItemRecord(i.action, i.offering_id, None) for i in items),
            self._op.clock.now(),
            self._op.clock.now(),
            None,
        )

    async def orders(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[OrderRecord]]:
        return {}


class FakeLoyalty:
    """LoyaltyPort: everyone is a member; an activation gets a promo code."""

    def __init__(self, operator: Operator) -> None:
        self._op = operator

    async def promotions(self) -> Sequence[PromotionRecord]:
        return ()

    async def activations(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[ActivationRecord]]:
        return {m: tuple(self._op.activations[m]) for m in msisdns if m in self._op.activations}

    async def members(self, msisdns: Sequence[str]) -> Mapping[str, bool]:
        return dict.fromkeys(msisdns, True)

    async def join(self, msisdn: str, email: str, name: str | None, key: str) -> None:
        return None

    async def activate(self, msisdn: str, promotion_id: str, key: str) -> ActivationRecord:
        activation = ActivationRecord(msisdn, promotion_id, self._op.new_id("CODE"))
        self._op.activations.setdefault(msisdn, []).append(activation)
        return activation


class FakePayments:
    """PaymentsPort: a payment succeeds unless its token is "decline"."""

    async def pay(
        self, msisdn: str, amount: Money, method: PaymentMethodSpec, key: str
    ) -> PaymentRecord:
        declined = method.value == "decline"
        return PaymentRecord(f"PAY-{key}", amount, not declined, "declined" if declined else None)

    async def saved_cards(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[SavedCardRecord]]:
        return {}

    async def top_ups(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[TopUpPaymentRecord]]:
        # The resolver tests make no top-ups (below), so no number has any.
        return {}

    # The two-step payment of the top-up saga: its own tests run against the simulators
    # (tests/money/); a resolver test that reaches these has taken a wrong turn.
    async def authorize(
        self, msisdn: str, amount: Money, method: PaymentMethodSpec, key: str
    ) -> PaymentRecord:
        raise NotImplementedError("the resolver tests make no top-ups")

    async def find(self, key: str) -> PaymentRecord | None:
        raise NotImplementedError("the resolver tests make no top-ups")

    async def payment(self, payment_id: str) -> PaymentRecord:
        raise NotImplementedError("the resolver tests make no top-ups")

    async def capture(self, payment_id: str, key: str) -> PaymentRecord:
        raise NotImplementedError("the resolver tests make no top-ups")

    async def void(self, payment_id: str, key: str) -> PaymentRecord:
        raise NotImplementedError("the resolver tests make no top-ups")

    async def refund(self, payment_id: str, amount: Money, key: str) -> None:
        raise NotImplementedError("the resolver tests make no top-ups")


class FakeSms:
    """SmsPort: keeps what was sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, msisdn: str, text: str) -> str:
        self.sent.append((msisdn, text))
        return f"SMS-{len(self.sent)}"


class NoSupport:
    """SupportPort for tests that never open a conversation: a support call fails loudly."""

    async def open_conversation_of(self, msisdn: str) -> ConversationRecord | None:
        raise AssertionError("support is not part of these tests")

    async def conversation(self, conversation_id: str) -> ConversationRecord | None:
        raise AssertionError("support is not part of these tests")

    async def open_conversations(self) -> Sequence[ConversationRecord]:
        raise AssertionError("support is not part of these tests")

    async def start(self, msisdn: str, reason: str, text: str, key: str) -> ConversationRecord:
        raise AssertionError("support is not part of these tests")

    async def send(self, conversation_id: str, author: str, text: str, key: str) -> MessageRecord:
        raise AssertionError("support is not part of these tests")

    async def escalate(
        self, conversation_id: str, msisdn: str, description: str, key: str
    ) -> TicketRecord:
        raise AssertionError("support is not part of these tests")


class NoTokens:
    """AccessTokens for tests that do not log in."""

    @property
    def ttl_seconds(self) -> int:
        return 600

    def mint(self, principal: Principal, ttl_seconds: int | None = None) -> str:
        raise AssertionError("logging in is not part of these tests")


class KeptAudit:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def record(self, entry: AuditEntry) -> None:
        self.entries.append(entry)

    def close(self) -> None:
        return None


def build_ports(operator: Operator) -> Ports:
    """The fakes behind the real caches (in process) and the real read model."""
    clock = operator.clock
    cache = MemoryCache(clock)
    answers = AnswerCache(cache, "t", ttl=5)
    reads = ReadCaches(cache, "t", ttl=30)
    fake_billing = FakeBilling(operator)
    security = MemorySecurityStore(clock)
    billing = CachedBilling(
        fake_billing,
        fake_billing,
        cache,
        clock,
        namespace="t",
        fresh_ttl=30,
        keep_ttl=3600,
        reads=reads,
    )
    return Ports(
        billing=billing,
        payments=FakePayments(),
        provisioning=CachedProvisioning(FakeProvisioning(operator), clock, 300, reads),
        loyalty=CachedLoyalty(FakeLoyalty(operator), reads),
        sms=FakeSms(),
        security=security,
        tokens=NoTokens(),
        audit=KeptAudit(),
        audit_store=MemoryAuditStore(1_000),
        idempotency=MemoryIdempotencyStore(clock),
        support=NoSupport(),
        events=MemoryBus(),
        reads=NumberReads(billing, reads, answers),
        pending=KeptPending(security, reads),
        answers=answers,
    )


def build_context(ports: Ports, clock: FakeClock, msisdn: str, key: str = "test-key-1") -> Context:
    """A request of the subscriber `msisdn` (one Context, one set of loaders)."""
    return Context(
        ports=ports,
        loaders=Loaders.build(ports),
        clock=clock,
        request_id="test-request",
        principal=SubscriberPrincipal(msisdn),
        idempotency_key=key,
    )
