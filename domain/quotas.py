"""The kinds of allowance a subscriber has, shared by billing (what remains) and the
catalog (what a tariff gives)."""

from __future__ import annotations

from enum import Enum


class QuotaKind(Enum):
    DATA = "DATA"
    VOICE = "VOICE"
    SMS = "SMS"

    @property
    def unit(self) -> str:
        return _UNITS[self]


_UNITS = {QuotaKind.DATA: "GB", QuotaKind.VOICE: "min", QuotaKind.SMS: "SMS"}
