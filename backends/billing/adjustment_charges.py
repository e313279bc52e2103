"""Money adjustments as applied charges (TMF678): what a subscriber paid for in the account.

A package, a tariff change fee or any one-time fee is charged through ``adjustBalance``
(a negative monetary amount). The charge history of ``backends.charges`` is derived from
the data set and knows nothing of them, so without this a bought package would lower the
balance yet appear neither in spending nor in a statement. Each such adjustment becomes a
charge dated when it was made; a refund that names its charge type (``chargeType``, as
provisioning sends with the charge it undoes) becomes a negative charge of that type, so
the two net out. Other credits (a goodwill credit, say) are not spending and stay out.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from backends.billing.adjustments import MONETARY, AdjustmentBook, AdjustmentRecord
from backends.charges import Charge, ChargeType

# A charge that names no type is a one-time fee for something the operator provides.
DEFAULT_TYPE = ChargeType.SERVICES
ID_PREFIX = "ACBR-ADJ-"


def _charge(record: AdjustmentRecord) -> Charge | None:
    request = record.request
    if request.usage_type != MONETARY:
        return None
    if request.amount > 0 and request.charge_type is None:
        return None
    kind = ChargeType(request.charge_type) if request.charge_type else DEFAULT_TYPE
    return Charge(
        id=f"{ID_PREFIX}{record.id.removeprefix('ADJ-')}",
        msisdn=request.msisdn,
        date=record.created,
        name=_name(request.reason),
        type=kind,
        amount=-request.amount,
    )


def _name(reason: str | None) -> str:
    # Provisioning's reason is "<order id>: <what>": the subscriber reads only the what.
    if not reason:
        return "Разовый платёж"
    _, sep, what = reason.partition(": ")
    return what if sep and what else reason


def adjustment_charges(
    book: AdjustmentBook, msisdn: str, start: datetime | None, end: datetime | None
) -> Iterator[Charge]:
    """The number's adjustment charges dated in ``[start, end)``, oldest first."""
    for record in book.of([msisdn]):
        charge = _charge(record)
        if charge is None:
            continue
        if (start is None or start <= charge.date) and (end is None or charge.date < end):
            yield charge


def adjustment_charge(book: AdjustmentBook, charge_id: str) -> Charge | None:
    """One adjustment charge by its id, ``ACBR-ADJ-<n>``."""
    if not charge_id.startswith(ID_PREFIX):
        return None
    record = book.adjustment(f"ADJ-{charge_id.removeprefix(ID_PREFIX)}")
    return None if record is None else _charge(record)
