"""The events billing publishes through its hub (``/tmf-api/prepayBalanceManagement/v4/hub``).

Each operation publishes its own create event (``PaymentCreateEvent``,
``TopupBalanceCreateEvent``...) and, when money or quotas moved, one
``BalanceChangeEvent`` naming every number affected with all of its buckets as they now
are, so a listener can drop or refresh what it cached for those numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from backends.billing.resources import bucket_json, msisdn_ref
from backends.billing.state import BillingState
from backends.kit.hub import EventHub

BALANCE_CHANGE = "BalanceChangeEvent"


def publish(hub: EventHub, event_type: str, resource_name: str, resource: dict[str, Any]) -> None:
    """A TMF event whose ``event`` is ``{resource_name: resource}``."""
    hub.publish(event_type, {resource_name: resource})


def publish_balance_change(
    hub: EventHub,
    state: BillingState,
    msisdns: Sequence[str],
    cause_type: str,
    cause_id: str,
) -> None:
    buckets = [
        bucket_json((account, quota))
        for account in state.accounts(msisdns)
        for quota in (None, *account.quotas)
    ]
    hub.publish(
        BALANCE_CHANGE,
        {
            "balanceChange": {
                "logicalResource": [msisdn_ref(msisdn) for msisdn in msisdns],
                "cause": {"id": cause_id, "@referredType": cause_type},
                "bucket": buckets,
            }
        },
    )
