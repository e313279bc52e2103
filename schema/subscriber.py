"""Subscriber: everything about one number. Built only from a granted `Reach`, so every
field below is behind the authorization check of `resolvers.access`."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

import strawberry

from adapters.cache.derived import Derived
from domain.reach import Reach
from resolvers import (
    balances,
    expenses,
    history,
    linked_by,
    linked_numbers,
    offers,
    services,
    subscribers,
    tariffs,
)
from resolvers.actions import orders as action_orders
from resolvers.actions import payments
from resolvers.linking import LinkView
from schema.balance import Balance
from schema.converted import each
from schema.expense import Expense
from schema.history import Statement, TopUp
from schema.info import Info
from schema.linked_by import LinkingNumber
from schema.loaded_reads import READS_LOADED, READS_LOADED_FROM_CONTEXT
from schema.offer import Offer
from schema.orders import Order
from schema.payments import Autopay, SavedCard
from schema.scalars import Msisdn
from schema.selection import asked_fields, asked_first
from schema.service import Service
from schema.tariff import Tariff

# What every screen of a number shows, converted once per record read (schema/converted.py).
_tariff = Derived(Tariff.from_record)
_services = each(Service.from_record)
_expenses = each(Expense.from_record)
_offers = each(Offer.from_record)


@strawberry.enum
class LinkStatus(Enum):
    CONFIRMED = "CONFIRMED"
    PENDING = "PENDING"


@strawberry.type
class Subscriber:
    reach: strawberry.Private[Reach]

    @strawberry.field
    def msisdn(self) -> Msisdn:
        return Msisdn(self.reach.msisdn)

    @strawberry.field(metadata=READS_LOADED_FROM_CONTEXT)
    async def name(self, info: Info) -> str | None:
        customer = await subscribers.customer(info.context, self.reach)
        return customer.name if customer else None

    @strawberry.field(metadata=READS_LOADED_FROM_CONTEXT)
    async def region(self, info: Info) -> str | None:
        customer = await subscribers.customer(info.context, self.reach)
        return customer.region if customer else None

    @strawberry.field(metadata=READS_LOADED_FROM_CONTEXT)
    async def balance(self, info: Info) -> Balance | None:
        record = await balances.balance(info.context, self.reach)
        return Balance(record=record, reach=self.reach) if record else None

    @strawberry.field(metadata=READS_LOADED_FROM_CONTEXT)
    async def tariff(self, info: Info) -> Tariff | None:
        record = await tariffs.current_tariff(info.context, self.reach)
        return _tariff(record) if record else None

    @strawberry.field(
        description="Services connected on this number.", metadata=READS_LOADED_FROM_CONTEXT
    )
    async def services(self, info: Info) -> list[Service] | None:
        return _services(await services.connected_services(info.context, self.reach))

    @strawberry.field(
        description="Spending by category, biggest first. Default: this month.",
        metadata=READS_LOADED_FROM_CONTEXT,
    )
    async def expenses(
        self,
        info: Info,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
    ) -> list[Expense] | None:
        return _expenses(await expenses.expenses(info.context, self.reach, from_, to))

    @strawberry.field(metadata=READS_LOADED_FROM_CONTEXT)
    async def linked_numbers(self, info: Info) -> list[LinkedNumber] | None:
        links = await linked_numbers.linked_numbers(info.context, self.reach)
        return [LinkedNumber(link=link) for link in links]

    @strawberry.field(description="Numbers that manage this one (agents only).")
    async def linked_by(self, info: Info) -> list[LinkingNumber] | None:
        links = await linked_by.linked_by(info.context, self.reach)
        return [LinkingNumber.from_record(link) for link in links]

    @strawberry.field(
        description="Partner offers, with this number's activations.",
        metadata=READS_LOADED_FROM_CONTEXT,
    )
    async def offers(self, info: Info) -> list[Offer] | None:
        return _offers(await offers.offers_of(info.context, self.reach))

    @strawberry.field(description="Product orders (changes of services, tariff, packages).")
    async def orders(self, info: Info) -> list[Order] | None:
        return [Order.from_record(o) for o in await action_orders.orders(info.context, self.reach)]

    @strawberry.field(description="The autopay in force, if any.")
    async def autopay(self, info: Info) -> Autopay | None:
        record = await payments.autopay(info.context, self.reach)
        return Autopay.from_record(record) if record else None

    @strawberry.field(description="Cards saved to pay with.")
    async def saved_cards(self, info: Info) -> list[SavedCard] | None:
        return [
            SavedCard.from_record(c) for c in await payments.saved_cards(info.context, self.reach)
        ]

    @strawberry.field(
        description="Recent top-ups, newest first: payments made to top the number up.",
        metadata=READS_LOADED_FROM_CONTEXT,
    )
    async def top_ups(self, info: Info, first: int = 10) -> list[TopUp] | None:
        records = await history.top_ups(info.context, self.reach, first)
        return [TopUp.from_record(r) for r in records]

    @strawberry.field(
        description="Statements ordered by e-mail (orderStatement), newest first.",
        metadata=READS_LOADED_FROM_CONTEXT,
    )
    async def statements(self, info: Info, first: int = 10) -> list[Statement] | None:
        records = await history.statements(info.context, self.reach, first)
        return [Statement.from_record(r) for r in records]


@strawberry.type
class LinkedNumber:
    link: strawberry.Private[LinkView]

    @strawberry.field
    def msisdn(self) -> Msisdn:
        return Msisdn(self.link.msisdn)

    @strawberry.field
    def alias(self) -> str | None:
        return self.link.alias

    @strawberry.field
    def status(self) -> LinkStatus:
        return LinkStatus.CONFIRMED if self.link.confirmed else LinkStatus.PENDING

    @strawberry.field(
        description="The linked number's data, once the link is confirmed.", metadata=READS_LOADED
    )
    async def subscriber(self, info: Info) -> Subscriber | None:
        granted = await linked_numbers.linked_subscriber(
            info.context, self.link, asked_fields(info), asked_first(info)
        )
        return Subscriber(reach=granted)
