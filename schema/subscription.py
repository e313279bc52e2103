"""The root Subscription: live updates over WebSocket (graphql-transport-ws, graphql-ws)
and server-sent events."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import cast

import strawberry

from resolvers import live
from schema.balance import Balance
from schema.info import Info
from schema.orders import Order
from schema.scalars import Msisdn
from schema.support import SupportMessage


@strawberry.type
class Subscription:
    @strawberry.subscription(description="The balance and quotas, each time they change.")
    async def balance_changed(self, info: Info, msisdn: Msisdn) -> AsyncGenerator[Balance, None]:
        async for change in live.balance_changes(info.context, msisdn):
            if isinstance(change, Exception):
                # graphql-core completes a yielded exception as this event's error
                # (masked like any other) and the stream goes on.
                yield cast(Balance, change)
                continue
            record, granted = change
            yield Balance(record=record, reach=granted)

    @strawberry.subscription(description="Product orders of the number as they move.")
    async def order_updated(self, info: Info, msisdn: Msisdn) -> AsyncGenerator[Order, None]:
        async for record in live.order_updates(info.context, msisdn):
            if isinstance(record, Exception):
                yield cast(Order, record)  # RESYNC_REQUIRED: this event's error
                continue
            yield Order.from_record(record)

    @strawberry.subscription(description="New messages of a support conversation.")
    async def support_messages(
        self, info: Info, conversation_id: strawberry.ID
    ) -> AsyncGenerator[SupportMessage, None]:
        async for record in live.support_messages(info.context, conversation_id):
            if isinstance(record, Exception):
                yield cast(SupportMessage, record)  # RESYNC_REQUIRED: this event's error
                continue
            yield SupportMessage.from_record(record)

    @strawberry.subscription(
        description="Every new message of any open support conversation (agents only)."
    )
    async def support_inbox(self, info: Info) -> AsyncGenerator[SupportMessage, None]:
        async for record in live.support_inbox(info.context):
            yield SupportMessage.from_record(record)
