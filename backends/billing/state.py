"""Billing's mutable state: the accounts (money and quotas) and the books of what was done
to them: payments, top-ups and autopays, transfers, adjustments, statements, the ledger.

Accounts are copied out of the world on first use, so a 10,000-number world costs
nothing until it is asked for; the operations change them in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from backends.billing.accounts import Account, account_of
from backends.billing.adjustment_charges import adjustment_charge, adjustment_charges
from backends.billing.adjustments import AdjustmentBook
from backends.billing.ledger import Ledger
from backends.billing.payments import PaymentBook
from backends.billing.statements import StatementBook
from backends.billing.topups import TopupBook
from backends.billing.transfers import TransferBook
from backends.charges import Charge, ChargeHistory
from backends.dataset import World
from backends.kit.errors import unprocessable
from backends.wallet import SavedCard, saved_cards

UNKNOWN_NUMBER = "UNKNOWN_NUMBER"


class BillingState:
    def __init__(self, world: World) -> None:
        self.world = world
        self.history = ChargeHistory(world)
        self._accounts: dict[str, Account] = {}
        self.payments = PaymentBook()
        self.topups = TopupBook()
        self.transfers = TransferBook()
        self.adjustments = AdjustmentBook()
        self.statements = StatementBook()
        self.ledger = Ledger()

    def account(self, msisdn: str) -> Account | None:
        account = self._accounts.get(msisdn)
        if account is None:
            subscriber = self.world.subscriber(msisdn)
            if subscriber is None:
                return None
            account = self._accounts[msisdn] = account_of(subscriber)
        return account

    def require_account(self, msisdn: str, code: str = UNKNOWN_NUMBER) -> Account:
        """The number's account; a 422 with ``code`` when it is not a number of ours."""
        account = self.account(msisdn)
        if account is None:
            raise unprocessable(code, f"{msisdn!r} is not a number of this operator")
        return account

    def accounts(self, msisdns: Iterable[str] | None = None) -> Iterator[Account]:
        """The accounts of the listed numbers (unknown ones skipped), or of all numbers."""
        for msisdn in self.world.msisdns() if msisdns is None else msisdns:
            account = self.account(msisdn)
            if account is not None:
                yield account

    def cards(self, msisdn: str) -> tuple[SavedCard, ...]:
        """The number's saved cards (TMF670); none for an unknown number."""
        subscriber = self.world.subscriber(msisdn)
        return () if subscriber is None else saved_cards(self.world, subscriber)

    def charges(self, msisdn: str, start: datetime | None, end: datetime | None) -> list[Charge]:
        """The number's charges in ``[start, end)``, oldest first; none for unknown numbers."""
        subscriber = self.world.subscriber(msisdn)
        if subscriber is None:
            return []
        derived = self.history.between(subscriber, start, end)
        paid = list(adjustment_charges(self.adjustments, msisdn, start, end))
        # The history ends at the start of today and adjustments are made now: appended,
        # they stay oldest first.
        return [*derived, *paid] if paid else derived

    def charge(self, charge_id: str) -> Charge | None:
        return self.history.charge(charge_id) or adjustment_charge(self.adjustments, charge_id)
