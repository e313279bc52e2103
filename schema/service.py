"""Services: connected on a number, or available in the catalog."""

from __future__ import annotations

import strawberry

from resolvers.services import ServiceView
from schema.enums import ServiceCategory, ServiceStatus
from schema.money import Money


@strawberry.type
class Service:
    id: strawberry.ID
    name: str
    description: str | None
    category: ServiceCategory
    fee: Money | None
    status: ServiceStatus

    @classmethod
    def from_record(cls, view: ServiceView) -> Service:
        offering = view.offering
        return cls(
            id=strawberry.ID(offering.id),
            name=offering.name,
            description=offering.description,
            category=offering.category,
            fee=Money.from_record(offering.fee) if offering.fee else None,
            status=view.state,
        )
