"""The changes a SigScale OCS can make, as the gateway's billing actions.

OCS credits balances (`balanceTopup`); it has no autopay, no gifting of data between
subscribers and no statements by e-mail. Those answer BACKEND_ERROR with that reason
rather than pretend; a number's list of ordered statements is empty, which is true.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from adapters.billing.ocs.billing import BACKEND_NAME, OcsBilling
from adapters.errors import BackendResponseError
from domain.billing import (
    AutopayRecord,
    OrderedStatementRecord,
    StatementRecord,
    TopUpRecord,
    TransferRecord,
)
from domain.money import Money
from domain.payments import PaymentMethodSpec


def _unsupported(what: str) -> BackendResponseError:
    return BackendResponseError(BACKEND_NAME, f"SigScale OCS does not support {what}")


class OcsActions:
    def __init__(self, billing: OcsBilling) -> None:
        self._billing = billing

    async def top_up(self, msisdn: str, amount: Money, payment_id: str, key: str) -> TopUpRecord:
        bucket = await self._billing.top_up(msisdn, amount, key)
        return TopUpRecord(bucket, msisdn, amount)

    async def autopay(self, msisdn: str) -> AutopayRecord | None:
        raise _unsupported("autopay")

    async def set_autopay(
        self,
        msisdn: str,
        amount: Money,
        method: PaymentMethodSpec,
        threshold: Money | None,
        key: str,
    ) -> AutopayRecord:
        raise _unsupported("autopay")

    async def cancel_autopay(self, autopay_id: str) -> None:
        raise _unsupported("autopay")

    async def transfer_data(
        self, sender: str, receiver: str, gigabytes: int, key: str
    ) -> TransferRecord:
        raise _unsupported("sharing data between subscribers")

    async def order_statement(
        self, msisdn: str, start: datetime, end: datetime, email: str, fmt: str, key: str
    ) -> StatementRecord:
        raise _unsupported("statements by e-mail")

    async def statements(
        self, msisdns: Sequence[str]
    ) -> Mapping[str, Sequence[OrderedStatementRecord]]:
        # No statement can be ordered through OCS, so a number has none: an honest empty
        # list, not an error on every console picture.
        return {}
