"""The backends as the resolvers see them: one port each, wired by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.billing.port import BillingPort
from adapters.loyalty.port import LoyaltyPort
from adapters.provisioning.port import ProvisioningPort
from adapters.sms.port import SmsPort


@dataclass(frozen=True, slots=True)
class Ports:
    billing: BillingPort
    provisioning: ProvisioningPort
    loyalty: LoyaltyPort
    sms: SmsPort
