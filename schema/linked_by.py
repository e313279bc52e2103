"""A number that links to (manages) the number asked about: the agents' `linkedBy`."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.provisioning import LinkRecord
from schema.scalars import Msisdn


@strawberry.type(description="A number that manages this one through a confirmed link.")
class LinkingNumber:
    owner: Msisdn = strawberry.field(description="The number that manages this one.")
    alias: str | None = strawberry.field(description="The name the owner gave this number.")
    linked_at: datetime | None

    @classmethod
    def from_record(cls, link: LinkRecord) -> LinkingNumber:
        return cls(owner=Msisdn(link.owner), alias=link.alias, linked_at=link.created_at)
