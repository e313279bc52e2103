"""The static cost of each field: roughly, the backend work it causes.

Plain data fields cost nothing; a field that needs a backend resource costs by how heavy
that resource is; a list field multiplies its selection by its cap. The numbers are
relative: the dashboard query over 100 numbers comes to about 2,000, the app's home
screen to about 20.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Fields that cause backend work, by "Type.field".
FIELD_COSTS: dict[str, int] = {
    "Query.subscriber": 1,
    "Query.subscribers": 1,
    "Query.tariffs": 1,
    "Query.serviceCatalog": 1,
    "Query.offers": 1,
    "Subscriber.name": 1,
    "Subscriber.region": 1,
    "Subscriber.balance": 2,
    "Subscriber.tariff": 2,
    "Subscriber.services": 2,
    "Subscriber.expenses": 3,
    "Subscriber.linkedNumbers": 2,
    "Subscriber.offers": 2,
    "LinkedNumber.subscriber": 1,
    "Balance.nextChargeAmount": 1,
}


@dataclass(frozen=True, slots=True)
class CostTable:
    costs: dict[str, int] = field(default_factory=lambda: dict(FIELD_COSTS))
    # List fields whose size a list argument sets: (type, field) -> argument.
    by_argument: dict[tuple[str, str], str] = field(
        default_factory=lambda: {("Query", "subscribers"): "msisdns"}
    )
    # List fields with a fixed cap: (type, field) -> cap.
    caps: dict[tuple[str, str], int] = field(default_factory=dict)
    mutation_base: int = 10

    def field(self, parent: str, name: str) -> int:
        return self.costs.get(f"{parent}.{name}", 0)

    def multiplies_by_argument(self, parent: str, name: str, argument: str) -> bool:
        return self.by_argument.get((parent, name)) == argument

    def list_cap(self, parent: str, name: str) -> int:
        return self.caps.get((parent, name), 1)


def cost_table(max_linked_numbers: int) -> CostTable:
    return CostTable(caps={("Subscriber", "linkedNumbers"): max(1, max_linked_numbers)})
