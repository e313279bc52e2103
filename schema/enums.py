"""GraphQL enums: the domain's own enums, registered with strawberry under their GraphQL
names. Registration marks the classes in place, so the aliases below are both the
GraphQL types and ordinary Python types (mypy sees plain enums)."""

from __future__ import annotations

import strawberry

from domain.loyalty import OfferKind
from domain.provisioning import ServiceCategory
from domain.quotas import QuotaKind
from resolvers.services import ServiceState as ServiceStatus

strawberry.enum(QuotaKind, name="QuotaKind")
strawberry.enum(ServiceCategory, name="ServiceCategory")
strawberry.enum(ServiceStatus, name="ServiceStatus")
strawberry.enum(OfferKind, name="OfferKind")

__all__ = ["OfferKind", "QuotaKind", "ServiceCategory", "ServiceStatus"]
