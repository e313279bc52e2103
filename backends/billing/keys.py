"""Where billing's route modules find the service's state on the application."""

from __future__ import annotations

from aiohttp import web

from backends.billing.state import BillingState
from backends.kit.peer import PeerClient
from backends.kit.stepper import Stepper

BILLING = web.AppKey("billing", BillingState)
# The SMS gateway, which also sends e-mails: statement notices go through it.
SMS_PEER = web.AppKey("sms_peer", PeerClient)
STATEMENT_STEPS = web.AppKey("statement_steps", Stepper)
