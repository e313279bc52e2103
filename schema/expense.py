"""Spending by category."""

from __future__ import annotations

import strawberry

from resolvers.expenses import ExpenseRecord
from schema.money import Money


@strawberry.type
class Expense:
    category: str
    amount: Money

    @classmethod
    def from_record(cls, record: ExpenseRecord) -> Expense:
        return cls(category=record.category, amount=Money.from_record(record.amount))
