"""A number's recent top-ups and ordered statements, as `Subscriber.topUps` and
`Subscriber.statements` show them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import Enum

import strawberry

from domain.billing import OrderedStatementRecord
from domain.payments import MethodKind, TopUpPaymentRecord, TopUpState
from schema.money import Money

strawberry.enum(TopUpState, name="TopUpState")
strawberry.enum(MethodKind, name="PaymentMethodKind")


@strawberry.enum
class StatementFormat(Enum):
    PDF = "pdf"
    XLSX = "xlsx"


@strawberry.type(description="A payment made to top the number up (a top-up or an autopay's).")
class TopUp:
    id: strawberry.ID = strawberry.field(description="The payment's id.")
    amount: Money
    state: TopUpState
    paid_at: datetime
    payment_method: MethodKind | None = strawberry.field(
        description="null: a kind of payment this gateway does not offer."
    )
    payment_method_name: str | None = strawberry.field(
        description='As the payment system names it ("Visa •••• 4242", "Apple Pay").'
    )
    top_up_id: strawberry.ID | None = strawberry.field(
        description="Billing's top-up that put it on the balance (topUp's topUpId), once it did."
    )
    refunded: Money | None

    @classmethod
    def from_record(cls, record: TopUpPaymentRecord) -> TopUp:
        return cls(
            id=strawberry.ID(record.id),
            amount=Money.from_record(record.amount),
            state=record.state,
            paid_at=record.paid_at,
            payment_method=record.method,
            payment_method_name=record.method_name,
            top_up_id=strawberry.ID(record.top_up_id) if record.top_up_id else None,
            refunded=Money.from_record(record.refunded) if record.refunded else None,
        )


@strawberry.type(description="A detailed statement ordered by e-mail (orderStatement).")
class Statement:
    id: strawberry.ID
    from_: date = strawberry.field(name="from")
    to: date = strawberry.field(description="The period's last day, included.")
    format: StatementFormat
    email: str
    state: str = strawberry.field(
        description="inProgress, then done when the e-mail went out, or terminatedWithError."
    )
    ordered_at: datetime
    error: str | None = strawberry.field(description="Why the e-mail did not go out.")

    @classmethod
    def from_record(cls, record: OrderedStatementRecord) -> Statement:
        return cls(
            id=strawberry.ID(record.id),
            from_=record.start.date(),
            # `end` is the midnight after the last day.
            to=(record.end - timedelta(days=1)).date(),
            format=StatementFormat(record.format),
            email=record.email,
            state=record.state,
            ordered_at=record.ordered_at,
            error=record.error,
        )
