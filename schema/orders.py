"""Product orders as a number's screens show them: a change of services, tariff or
packages, and the state TMF622 says it is in."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.provisioning import OrderRecord, OrderState

# TMF622's states as provisioning's adapter reads them, exposed as they are.
strawberry.enum(OrderState)


@strawberry.type
class OrderItem:
    action: str
    offering_id: strawberry.ID
    name: str | None


@strawberry.type
class Order:
    id: strawberry.ID
    state: OrderState
    items: list[OrderItem]
    ordered_at: datetime | None
    completed_at: datetime | None
    failure_reason: str | None

    @classmethod
    def from_record(cls, record: OrderRecord) -> Order:
        return cls(
            id=strawberry.ID(record.id),
            state=record.state,
            items=[
                OrderItem(
                    action=i.action.value,
                    offering_id=strawberry.ID(i.offering_id),
                    name=i.offering_name,
                )
                for i in record.items
            ],
            ordered_at=record.ordered_at,
            completed_at=record.completed_at,
            failure_reason=record.failure,
        )
