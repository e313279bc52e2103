"""The actions' payloads: what changed, the subscriber as it is now, and typed userErrors
(the expected failures an app branches on, each naming the input field it concerns)."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from domain.money import Money as MoneyRecord
from domain.payments import PaymentMethodSpec
from domain.principals import Principal
from domain.provisioning import OrderState, PackageRecord
from resolvers.access import reach_acted_on
from resolvers.actions.orders import TariffChangePreview as TariffChangePreviewRecord
from resolvers.actions.outcome import ActionResult, UserErrorRecord
from resolvers.actions.payments import method_from
from schema.money import Money
from schema.subscriber import Subscriber
from schema.tariff import Allowance, Tariff


@strawberry.type(
    description=(
        "An expected failure: INSUFFICIENT_BALANCE, PAYMENT_DECLINED, INVALID_PAYMENT_METHOD, "
        "INVALID_AMOUNT, VALUE_NOT_ALLOWED, SERVICE_NOT_AVAILABLE, ALREADY_CONNECTED, "
        "NOT_CONNECTED, SAME_TARIFF, ORDER_IN_PROGRESS, ORDER_FAILED, OFFER_ALREADY_ACTIVE, "
        "EMAIL_REQUIRED, INVALID_EMAIL, INVALID_PERIOD, NOT_OPERATOR_NUMBER, NOT_FOUND, "
        "INVALID_INPUT. Nothing changed when one is returned (but ORDER_FAILED/"
        "INSUFFICIENT_BALANCE on an order, which then exists in state FAILED)."
    )
)
class UserError:
    field: str | None
    code: str
    message: str

    @classmethod
    def from_record(cls, record: UserErrorRecord) -> UserError:
        return cls(field=record.field, code=record.code, message=record.message)


@strawberry.input(
    description=(
        "How to pay: exactly one of a saved card or a one-time token "
        "(card form, Apple Pay, Google Pay)."
    ),
    one_of=True,
)
class PaymentMethodInput:
    saved_card_id: str | None = strawberry.UNSET
    card_token: str | None = strawberry.UNSET
    apple_pay_token: str | None = strawberry.UNSET
    google_pay_token: str | None = strawberry.UNSET

    def spec(self) -> PaymentMethodSpec | None:
        def given(value: str | None) -> str | None:
            return value if isinstance(value, str) else None

        return method_from(
            given(self.saved_card_id),
            given(self.card_token),
            given(self.apple_pay_token),
            given(self.google_pay_token),
        )


def _subscriber(result: ActionResult, principal: Principal) -> Subscriber:
    return Subscriber(reach=reach_acted_on(result.msisdn, principal))


def _errors(result: ActionResult) -> list[UserError]:
    return [UserError.from_record(e) for e in result.user_errors]


@strawberry.type
class ActionPayload:
    """Fields every payload shares."""

    result: strawberry.Private[ActionResult]
    principal: strawberry.Private[Principal]

    @strawberry.field(description="Expected failures; empty when the action went through.")
    def user_errors(self) -> list[UserError]:
        return _errors(self.result)

    @strawberry.field(description="The number as it is now (balance, tariff, services...).")
    def subscriber(self) -> Subscriber:
        return _subscriber(self.result, self.principal)

    def value(self, name: str) -> str | None:
        return self.result.values.get(name)


@strawberry.type
class TopUpPayload(ActionPayload):
    @strawberry.field
    def top_up_id(self) -> strawberry.ID | None:
        found = self.value("topUpId")
        return strawberry.ID(found) if found else None

    @strawberry.field
    def amount(self) -> Money | None:
        found = self.value("amount")
        return Money.from_record(MoneyRecord(Decimal(found), "RUB")) if found else None


@strawberry.type
class AutopayPayload(ActionPayload):
    @strawberry.field
    def autopay_id(self) -> strawberry.ID | None:
        found = self.value("autopayId")
        return strawberry.ID(found) if found else None


@strawberry.type
class OrderPayload(ActionPayload):
    @strawberry.field(description="The product order placed (TMF622); it may still be in progress.")
    def order_id(self) -> strawberry.ID | None:
        found = self.value("orderId")
        return strawberry.ID(found) if found else None

    @strawberry.field
    def order_state(self) -> OrderState | None:
        found = self.value("orderState")
        return OrderState(found) if found else None


@strawberry.type
class ShareDataPayload(ActionPayload):
    @strawberry.field
    def transfer_id(self) -> strawberry.ID | None:
        found = self.value("transferId")
        return strawberry.ID(found) if found else None


@strawberry.type
class StatementPayload(ActionPayload):
    @strawberry.field
    def statement_id(self) -> strawberry.ID | None:
        found = self.value("statementId")
        return strawberry.ID(found) if found else None

    @strawberry.field(description="inProgress, then done when the e-mail went out.")
    def state(self) -> str | None:
        return self.value("state")


@strawberry.type
class OfferActivationPayload(ActionPayload):
    @strawberry.field
    def offer_id(self) -> strawberry.ID | None:
        found = self.value("offerId")
        return strawberry.ID(found) if found else None

    @strawberry.field
    def promo_code(self) -> str | None:
        return self.value("promoCode") or None


@strawberry.type(description="What a tariff change would cost, before confirming it.")
class TariffChangePreview:
    tariff: Tariff
    change_fee: Money
    new_monthly_fee: Money
    current_monthly_fee: Money | None

    @classmethod
    def from_record(cls, preview: TariffChangePreviewRecord) -> TariffChangePreview:
        return cls(
            tariff=Tariff.from_record(preview.tariff),
            change_fee=Money.from_record(preview.change_fee),
            new_monthly_fee=Money.from_record(preview.tariff.monthly_fee),
            current_monthly_fee=(
                Money.from_record(preview.current.monthly_fee) if preview.current else None
            ),
        )


@strawberry.type
class Package:
    id: strawberry.ID
    name: str
    description: str | None
    price: Money
    adds: list[Allowance]

    @classmethod
    def from_record(cls, record: PackageRecord) -> Package:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            description=record.description,
            price=Money.from_record(record.price),
            adds=[Allowance.from_record(a) for a in record.adds],
        )
