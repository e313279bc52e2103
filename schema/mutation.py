"""The root Mutation: login and linked numbers (actions come with their own issue).

Every result is nullable: an error in one (aliased) mutation field then nulls that field
only, instead of the whole answer and every field after it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from domain.principals import Principal
from resolvers import linking, login, passwords, sessions, support
from resolvers.access import reach_own
from resolvers.actions import offers, orders, payments, sharing, statements
from schema.actions import (
    AutopayPayload,
    OfferActivationPayload,
    OrderPayload,
    PaymentMethodInput,
    ShareDataPayload,
    StatementPayload,
    TopUpPayload,
)
from schema.history import StatementFormat
from schema.info import Info
from schema.scalars import Msisdn
from schema.session import AuthPayload, CodeSentPayload
from schema.subscriber import LinkedNumber
from schema.support import SupportConversation, SupportMessage, SupportTicket


@strawberry.type
class LoginMutation:
    @strawberry.mutation(description="Text a one-time login code to the number.")
    async def request_login_code(self, info: Info, msisdn: Msisdn) -> CodeSentPayload | None:
        return CodeSentPayload.from_record(await login.request_login_code(info.context, msisdn))

    @strawberry.mutation(description="Log in with the code from the SMS.")
    async def log_in(self, info: Info, msisdn: Msisdn, code: str) -> AuthPayload | None:
        return AuthPayload(tokens=await login.log_in(info.context, msisdn, code))

    @strawberry.mutation(description="Log in with the permanent password.")
    async def log_in_with_password(
        self, info: Info, msisdn: Msisdn, password: str
    ) -> AuthPayload | None:
        tokens = await login.log_in_with_password(info.context, msisdn, password)
        return AuthPayload(tokens=tokens)

    @strawberry.mutation(
        description="Text a code for setting the permanent password (forgotten, or never set)."
    )
    async def request_password_code(self, info: Info, msisdn: Msisdn) -> CodeSentPayload | None:
        sent = await passwords.request_password_code(info.context, msisdn)
        return CodeSentPayload.from_record(sent)

    @strawberry.mutation(description="Set a forgotten password with the texted code; logs in.")
    async def reset_password(
        self, info: Info, msisdn: Msisdn, code: str, new_password: str
    ) -> AuthPayload | None:
        tokens = await passwords.reset_password(info.context, msisdn, code, new_password)
        return AuthPayload(tokens=tokens)

    @strawberry.mutation(description="Set your own password with the code texted to you.")
    async def set_password(self, info: Info, code: str, new_password: str) -> bool | None:
        return await passwords.set_password(info.context, code, new_password)

    @strawberry.mutation(description="Change your own password, knowing the current one.")
    async def change_password(
        self, info: Info, current_password: str, new_password: str
    ) -> bool | None:
        return await passwords.change_password(info.context, current_password, new_password)

    @strawberry.mutation(description="Trade a refresh token for new tokens (it rotates).")
    async def refresh_session(self, info: Info, refresh_token: str) -> AuthPayload | None:
        return AuthPayload(tokens=await sessions.refresh_session(info.context, refresh_token))

    @strawberry.mutation(description="End the session of this refresh token.")
    async def log_out(self, info: Info, refresh_token: str) -> bool | None:
        return await sessions.log_out(info.context, refresh_token)

    @strawberry.mutation(description="Ask to manage another number: a code goes to it.")
    async def link_number(
        self, info: Info, msisdn: Msisdn, alias: str | None = None
    ) -> CodeSentPayload | None:
        sent = await linking.link_number(info.context, msisdn, alias)
        return CodeSentPayload.from_record(sent)

    @strawberry.mutation(description="Confirm a link with the code the other number received.")
    async def confirm_linked_number(
        self, info: Info, msisdn: Msisdn, code: str
    ) -> LinkedNumber | None:
        view = await linking.confirm_linked_number(info.context, msisdn, code)
        return LinkedNumber(link=view)

    @strawberry.mutation(description="Stop managing a linked number (or drop a pending link).")
    async def unlink_number(self, info: Info, msisdn: Msisdn) -> bool | None:
        return await linking.unlink_number(info.context, msisdn)


def _principal(info: Info) -> Principal:
    principal = info.context.principal
    assert principal is not None  # the action's resolver required one
    return principal


@strawberry.type
class ActionMutation:
    """The subscriber's actions. Each takes the target number (own or linked) and an
    idempotency key (the argument, or the Idempotency-Key header)."""

    @strawberry.mutation(description="Pay with a card or wallet and put the money on the balance.")
    async def top_up(
        self,
        info: Info,
        msisdn: Msisdn,
        amount: Decimal,
        payment_method: PaymentMethodInput,
        idempotency_key: str | None = None,
    ) -> TopUpPayload | None:
        result = await payments.top_up(
            info.context, msisdn, amount, payment_method.spec(), idempotency_key
        )
        return TopUpPayload(result=result, principal=_principal(info))

    @strawberry.mutation(
        description="Top up automatically: monthly, or whenever the balance falls below an amount."
    )
    async def set_autopay(
        self,
        info: Info,
        msisdn: Msisdn,
        amount: Decimal,
        payment_method: PaymentMethodInput,
        below_amount: Decimal | None = None,
        idempotency_key: str | None = None,
    ) -> AutopayPayload | None:
        result = await payments.set_autopay(
            info.context, msisdn, amount, payment_method.spec(), below_amount, idempotency_key
        )
        return AutopayPayload(result=result, principal=_principal(info))

    @strawberry.mutation
    async def cancel_autopay(
        self, info: Info, msisdn: Msisdn, idempotency_key: str | None = None
    ) -> AutopayPayload | None:
        result = await payments.cancel_autopay(info.context, msisdn, idempotency_key)
        return AutopayPayload(result=result, principal=_principal(info))

    @strawberry.mutation(description="A detailed statement by e-mail; at most 6 months back.")
    async def order_statement(
        self,
        info: Info,
        msisdn: Msisdn,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        email: str,
        format: StatementFormat = StatementFormat.PDF,
        idempotency_key: str | None = None,
    ) -> StatementPayload | None:
        result = await statements.order_statement(
            info.context, msisdn, from_, to, email, format.value, idempotency_key
        )
        return StatementPayload(result=result, principal=_principal(info))

    @strawberry.mutation
    async def connect_service(
        self,
        info: Info,
        msisdn: Msisdn,
        service_id: strawberry.ID,
        idempotency_key: str | None = None,
    ) -> OrderPayload | None:
        result = await orders.connect_service(info.context, msisdn, service_id, idempotency_key)
        return OrderPayload(result=result, principal=_principal(info))

    @strawberry.mutation
    async def disconnect_service(
        self,
        info: Info,
        msisdn: Msisdn,
        service_id: strawberry.ID,
        idempotency_key: str | None = None,
    ) -> OrderPayload | None:
        result = await orders.disconnect_service(info.context, msisdn, service_id, idempotency_key)
        return OrderPayload(result=result, principal=_principal(info))

    @strawberry.mutation(description="Switch tariff; previewTariffChange shows the fee first.")
    async def change_tariff(
        self,
        info: Info,
        msisdn: Msisdn,
        tariff_id: strawberry.ID,
        idempotency_key: str | None = None,
    ) -> OrderPayload | None:
        result = await orders.change_tariff(info.context, msisdn, tariff_id, idempotency_key)
        return OrderPayload(result=result, principal=_principal(info))

    @strawberry.mutation(description="Choose minutes and GB of the configurable tariff.")
    async def configure_tariff(
        self,
        info: Info,
        msisdn: Msisdn,
        minutes: int,
        gigabytes: int,
        idempotency_key: str | None = None,
    ) -> OrderPayload | None:
        result = await orders.configure_tariff(
            info.context, msisdn, minutes, gigabytes, idempotency_key
        )
        return OrderPayload(result=result, principal=_principal(info))

    @strawberry.mutation(description="Buy a traffic package; it appears as a new quota.")
    async def add_package(
        self,
        info: Info,
        msisdn: Msisdn,
        package_id: strawberry.ID,
        idempotency_key: str | None = None,
    ) -> OrderPayload | None:
        result = await orders.add_package(info.context, msisdn, package_id, idempotency_key)
        return OrderPayload(result=result, principal=_principal(info))

    @strawberry.mutation(
        description="Activate a partner offer; the first time needs an e-mail (name optional)."
    )
    async def activate_offer(
        self,
        info: Info,
        offer_id: strawberry.ID,
        email: str | None = None,
        name: str | None = None,
        msisdn: Msisdn | None = None,
        idempotency_key: str | None = None,
    ) -> OfferActivationPayload | None:
        target = msisdn or reach_own(info.context).msisdn
        result = await offers.activate_offer(
            info.context, target, offer_id, email, name, idempotency_key
        )
        return OfferActivationPayload(result=result, principal=_principal(info))

    @strawberry.mutation(description="Give whole gigabytes (1-30) to another subscriber.")
    async def share_data(
        self,
        info: Info,
        from_msisdn: Msisdn,
        to_msisdn: Msisdn,
        gigabytes: int,
        idempotency_key: str | None = None,
    ) -> ShareDataPayload | None:
        result = await sharing.share_data(
            info.context, from_msisdn, to_msisdn, gigabytes, idempotency_key
        )
        return ShareDataPayload(result=result, principal=_principal(info))


@strawberry.type
class SupportMutation:
    @strawberry.mutation(description="Write to support: opens the number's conversation.")
    async def start_support_conversation(
        self,
        info: Info,
        msisdn: Msisdn,
        text: str,
        reason: str | None = None,
        idempotency_key: str | None = None,
    ) -> SupportConversation | None:
        record = await support.start(info.context, msisdn, text, reason, idempotency_key)
        return SupportConversation.from_record(record)

    @strawberry.mutation(description="A message in a conversation (subscribers and agents).")
    async def send_support_message(
        self,
        info: Info,
        conversation_id: strawberry.ID,
        text: str,
        idempotency_key: str | None = None,
    ) -> SupportMessage | None:
        record = await support.send(info.context, conversation_id, text, idempotency_key)
        return SupportMessage.from_record(record)

    @strawberry.mutation(description="Open a trouble ticket about a conversation.")
    async def escalate_to_ticket(
        self,
        info: Info,
        conversation_id: strawberry.ID,
        description: str,
        idempotency_key: str | None = None,
    ) -> SupportTicket | None:
        record = await support.escalate(info.context, conversation_id, description, idempotency_key)
        return SupportTicket.from_record(record)


@strawberry.type
class Mutation(SupportMutation, ActionMutation, LoginMutation):
    pass
