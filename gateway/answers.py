"""Which operations' whole answers may be kept (adapters/cache/answers.py), and their key.

Kept are a subscriber's own screens only: a query without variables whose every field is
below `me` and built from the per-number reads that are cached and dropped on every
change already (balance, customer, products, links and pending links, activated offers,
this month's charges) or from the catalogs kept in process. Anything else -- an agent, a
linked number's data, orders, autopay, cards, a chosen period of expenses, variables --
is executed every time. An answer with an error or a stale balance is never kept.
"""

from __future__ import annotations

import hashlib

from graphql import OperationType

from gateway.shape import Shape

_SUBSCRIBER = ("msisdn", "name", "region", "balance", "tariff", "services", "expenses")
_WHOLE_TYPES = {
    "Balance": ("money", "quotas", "nextChargeAt", "nextChargeAmount", "updatedAt", "stale"),
    "Money": ("amount", "currency"),
    "Quota": ("kind", "remaining", "total", "unit", "unlimited", "validUntil"),
    "Tariff": (
        "id",
        "name",
        "description",
        "monthlyFee",
        "allowances",
        "configurable",
        "options",
    ),
    "TariffOptions": ("baseFee", "minutes", "gigabytes"),
    "TariffOption": ("value", "price", "isDefault"),
    "Allowance": ("kind", "amount", "unit", "unlimited"),
    "Service": ("id", "name", "description", "category", "fee", "status"),
    "Expense": ("category", "amount"),
    "Offer": (
        "id",
        "partner",
        "title",
        "description",
        "kind",
        "validUntil",
        "activated",
        "promoCode",
    ),
}
KEPT_FIELDS = frozenset(
    {"Query.me", "LinkedNumber.msisdn", "LinkedNumber.alias", "LinkedNumber.status"}
    | {f"Subscriber.{name}" for name in (*_SUBSCRIBER, "linkedNumbers", "offers")}
    | {f"{kind}.{name}" for kind, names in _WHOLE_TYPES.items() for name in names}
    | {f"{kind}.__typename" for kind in ("Query", "Subscriber", "LinkedNumber", *_WHOLE_TYPES)}
)


def may_keep(shape: Shape) -> bool:
    return shape.operation is OperationType.QUERY and shape.fields <= KEPT_FIELDS


def answer_key(query: str, operation_name: str | None) -> str:
    return hashlib.sha256(f"{operation_name or ''}\n{query}".encode()).hexdigest()
