"""Detailed usage statements ordered by e-mail (TMF678 ``customerBillOnDemand``).

A statement covers a period within the charge history: from the first of the month six
months back at the earliest, to the end of today at the latest. It starts
``inProgress``; its one step builds the notice from the period's charges and sends it by
e-mail through the SMS gateway, ending ``done``, or ``terminatedWithError`` when the
e-mail could not be sent.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from backends.charges import Charge, history_start
from backends.kit.errors import unprocessable
from backends.kit.timestamps import midnight


class StatementState(StrEnum):
    """TMF678 StateValues."""

    IN_PROGRESS = "inProgress"
    DONE = "done"
    TERMINATED_WITH_ERROR = "terminatedWithError"


class StatementFormat(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"


@dataclass
class StatementRecord:
    id: str
    msisdn: str
    start: datetime
    end: datetime
    format: StatementFormat
    email: str
    state: StatementState
    created: datetime
    updated: datetime
    message_id: str | None = None  # the e-mail, once sent
    error: str | None = None

    @property
    def name(self) -> str:
        last_day = self.end - timedelta(seconds=1)
        return f"Детализация {self.start:%d.%m.%Y}–{last_day:%d.%m.%Y}"

    @property
    def final(self) -> bool:
        return self.state is not StatementState.IN_PROGRESS


class StatementBook:
    def __init__(self) -> None:
        self._records: dict[str, StatementRecord] = {}
        self._ids = itertools.count(1)

    def new_id(self) -> str:
        return f"CBOD-{next(self._ids)}"

    def add(self, record: StatementRecord) -> None:
        self._records[record.id] = record

    def statement(self, statement_id: str) -> StatementRecord | None:
        return self._records.get(statement_id)

    def of(self, msisdns: Iterable[str] | None) -> Iterator[StatementRecord]:
        wanted = None if msisdns is None else set(msisdns)
        for record in self._records.values():
            if wanted is None or record.msisdn in wanted:
                yield record


def check_period(start: datetime, end: datetime, today: date) -> None:
    """A 422 ``INVALID_PERIOD`` unless ``[start, end)`` lies within the history."""
    earliest = history_start(today)
    latest = midnight(today + timedelta(days=1))
    if start >= end:
        raise unprocessable("INVALID_PERIOD", "the period must end after it starts")
    if start < earliest:
        raise unprocessable(
            "INVALID_PERIOD", f"a statement reaches back to {earliest:%Y-%m-%d} at most"
        )
    if end > latest:
        raise unprocessable("INVALID_PERIOD", "a statement cannot cover the future")


def notice(record: StatementRecord, charges: Sequence[Charge]) -> tuple[str, str]:
    """The e-mail's subject and text."""
    total = sum((charge.amount for charge in charges), Decimal(0))
    file_name = f"detalizaciya-{record.msisdn[1:]}-{record.start:%Y%m%d}.{record.format.value}"
    text = (
        f"Здравствуйте! {record.name} для номера {record.msisdn} готова.\n"
        f"Операций: {len(charges)}, сумма: {total:.2f} ₽.\n"
        f"Файл {file_name} приложен к письму."
    )
    return record.name, text
