"""The root Query: the numbers a caller may see, and the public catalogs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, cast

import strawberry

from resolvers import audit_log, offers, services, subscribers, support, tariffs
from resolvers.actions import orders as action_orders
from resolvers.errors import GatewayError
from schema.actions import Package, TariffChangePreview
from schema.audit import AuditLogPage
from schema.info import Info
from schema.offer import Offer
from schema.scalars import Msisdn
from schema.selection import asked_fields, asked_first
from schema.service import Service
from schema.subscriber import Subscriber
from schema.support import SupportConversation
from schema.tariff import Tariff


@strawberry.type
class Query:
    @strawberry.field(description="The caller's own number (subscriber tokens).")
    async def me(self, info: Info) -> Subscriber | None:
        return Subscriber(reach=await subscribers.me(info.context, asked_first(info)))

    @strawberry.field(description="One number: your own or a linked one; any number for agents.")
    async def subscriber(self, info: Info, msisdn: Msisdn) -> Subscriber | None:
        granted = await subscribers.subscriber(
            info.context, msisdn, asked_fields(info), asked_first(info)
        )
        return Subscriber(reach=granted)

    @strawberry.field(description="Several numbers at once (dashboards); capped in length.")
    async def subscribers(self, info: Info, msisdns: list[Msisdn]) -> list[Subscriber | None]:
        results = await subscribers.subscribers(
            info.context, msisdns, asked_fields(info), asked_first(info)
        )
        # An error in place of an item nulls just that item, with its own error and path.
        return cast(
            "list[Subscriber | None]",
            [r if isinstance(r, GatewayError) else Subscriber(reach=r) for r in results],
        )

    @strawberry.field(description="Every tariff on sale.")
    async def tariffs(self, info: Info) -> list[Tariff]:
        return [Tariff.from_record(t) for t in await tariffs.tariffs(info.context)]

    @strawberry.field(description="Every service on sale.")
    async def service_catalog(self, info: Info) -> list[Service]:
        return [Service.from_record(s) for s in await services.service_catalog(info.context)]

    @strawberry.field(description="Every partner offer on now.")
    async def offers(self, info: Info) -> list[Offer]:
        return [Offer.from_record(o) for o in await offers.offers(info.context)]

    @strawberry.field(description="Every traffic package on sale.")
    async def packages(self, info: Info) -> list[Package]:
        catalog = await info.context.ports.provisioning.catalog()
        return [Package.from_record(p) for p in catalog.packages]

    @strawberry.field(description="What changing the number's tariff would cost.")
    async def preview_tariff_change(
        self, info: Info, msisdn: Msisdn, tariff_id: strawberry.ID
    ) -> TariffChangePreview | None:
        who = await subscribers.subscriber(info.context, msisdn)
        preview = await action_orders.preview_tariff_change(info.context, who, tariff_id)
        return TariffChangePreview.from_record(preview)

    @strawberry.field(description="The number's open support conversation, if any.")
    async def support_conversation(self, info: Info, msisdn: Msisdn) -> SupportConversation | None:
        record = await support.my_conversation(info.context, msisdn)
        return SupportConversation.from_record(record) if record else None

    @strawberry.field(description="Open conversations, newest activity first (agents).")
    async def open_support_conversations(self, info: Info) -> list[SupportConversation]:
        return [
            SupportConversation.from_record(c)
            for c in await support.open_conversations(info.context)
        ]

    @strawberry.field(
        description="Agents' reads of numbers, newest first (supervisors); `from` inclusive, "
        "`to` exclusive."
    )
    async def audit_log(
        self,
        info: Info,
        agent: str | None = None,
        msisdn: Msisdn | None = None,
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        to: datetime | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> AuditLogPage | None:
        page = await audit_log.audit_log(
            info.context,
            agent=agent,
            msisdn=msisdn,
            since=from_,
            until=to,
            first=first,
            after=after,
        )
        return AuditLogPage.from_record(page)
