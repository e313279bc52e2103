"""SigScale OCS's hub, from the gateway's side: registering a listener at
``/balanceManagement/v1/hub``, reading OCS's notifications, and finding the number a
notified bucket belongs to.

OCS signs nothing: a notification carries only the ``Authorization`` header the hub was
registered with, which is OCS's own credential (tests/ocs/captures/hub_event_*). So the
gateway puts a secret of its own into the callback URL (``callback_token``) and checks it
on arrival (``token_matches``, in constant time).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from adapters.billing.ocs.answers import reading
from adapters.billing.ocs.client import OcsClient

HUB_PATH = "/balanceManagement/v1/hub"
PRODUCT_API = "/productInventoryManagement/v2/product"
LISTENER_PATH = "/listener/billing-ocs"
# The bucket events OCS sends (recorded); balanceAdjustment sends none.
BUCKET_EVENTS = frozenset({"BucketBalanceCreationNotification", "BucketBalanceDeletionEvent"})
_TOKEN_PURPOSE = b"tgw listener billing-ocs v1"


def callback_token(secret: bytes) -> str:
    """The path secret of the OCS listener: HMAC of a fixed purpose under the hub secret,
    so it is stable across restarts and processes and reveals nothing of the secret."""
    return hmac.new(secret, _TOKEN_PURPOSE, hashlib.sha256).hexdigest()


def token_matches(secret: bytes, given: str) -> bool:
    return hmac.compare_digest(callback_token(secret).encode(), given.encode())


def callback_url(base: str, secret: bytes) -> str:
    return f"{base.rstrip('/')}{LISTENER_PATH}/{callback_token(secret)}"


async def register_hub(client: OcsClient, callback: str) -> str:
    """The hub's id; BackendError when OCS refuses or cannot be reached, ValueError-based
    BackendResponseError when its answer names no id."""
    answer = await client.post(HUB_PATH, {"callback": callback})
    with reading(client.name, "hub", answer.status):
        if not isinstance(answer.body, Mapping) or not answer.body.get("id"):
            raise ValueError("the hub's answer names no id")
        return str(answer.body["id"])


async def registered_hub(client: OcsClient, callback: str) -> str | None:
    """The id of a hub already registered with this callback (OCS keeps one per POST, so
    registering again at every start would multiply the deliveries); None if there is
    none, which is also how OCS shows a hub it dropped after a failed delivery."""
    answer = await client.get(HUB_PATH)
    with reading(client.name, "hub list", answer.status):
        for hub in answer.body or []:
            if hub["callback"] == callback:
                return str(hub["id"])
        return None


@dataclass(frozen=True, slots=True)
class BucketNotification:
    event_id: str
    event_type: str
    product_id: str | None


def parse_notification(body: Any) -> BucketNotification:
    """ValueError for a body that is not an OCS notification."""
    if not isinstance(body, Mapping) or not isinstance(body.get("eventType"), str):
        raise ValueError("not an OCS notification")
    event = body.get("event")
    product = event.get("product") if isinstance(event, Mapping) else None
    # A ref in the captures; a plain id is read too (a service's `product` is one).
    product_id = product.get("id") if isinstance(product, Mapping) else product
    return BucketNotification(
        event_id=str(body.get("eventId") or ""),
        event_type=body["eventType"],
        product_id=str(product_id) if product_id else None,
    )


async def number_of_product(client: OcsClient, product_id: str) -> str | None:
    """The number a product is realized by (``realizingService[0].id``, the number's digits,
    as tests/ocs/captures/get__productInventoryManagement_v2_product_*.txt shows); None for
    a product with no service. BackendNotFoundError for an unknown product."""
    answer = await client.get(f"{PRODUCT_API}/{quote(product_id, safe='')}")
    with reading(client.name, "product", answer.status):
        services = answer.body.get("realizingService") or []
        for service in services:
            digits = str(service["id"]) if isinstance(service, Mapping) else ""
            if digits.isdigit():
                return f"+{digits}"
        return None
