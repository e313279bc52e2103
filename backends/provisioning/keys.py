"""Where provisioning's route modules find the service's state on the application."""

from __future__ import annotations

from aiohttp import web

from backends.kit.stepper import Stepper
from backends.provisioning.fulfilment import Fulfilment
from backends.provisioning.state import ProvisioningState

PROVISIONING = web.AppKey("provisioning", ProvisioningState)
FULFILMENT = web.AppKey("fulfilment", Fulfilment)
ORDER_STEPS = web.AppKey("order_steps", Stepper)
