"""Payments as TMF676 ``Payment`` bodies and saved cards as TMF670 ``PaymentMethod``.

Tokens are never echoed: a payment names its method by type, saved-card id, wallet
service and a display name only.
"""

from __future__ import annotations

from typing import Any

from backends.billing.payments import PaymentMethodChoice, PaymentRecord, RefundRecord
from backends.billing.resources import CURRENCY, PREPAY_BALANCE
from backends.kit.ids import href
from backends.kit.responses import json_number
from backends.kit.timestamps import format_timestamp
from backends.wallet import SavedCard

PAYMENT_MANAGEMENT = "/tmf-api/paymentManagement/v4"
PAYMENT_METHODS = "/tmf-api/paymentMethod/v4"


def payment_json(payment: PaymentRecord) -> dict[str, Any]:
    moment = format_timestamp(payment.created)
    money = {"unit": CURRENCY, "value": json_number(payment.amount)}
    body: dict[str, Any] = {
        "id": payment.id,
        "href": href(f"{PAYMENT_MANAGEMENT}/payment", payment.id),
        "@type": "Payment",
        "status": payment.status.value,
        "statusDate": moment,
        "paymentDate": moment,
        "account": {"id": payment.msisdn, "@referredType": "BillingAccount"},
        "amount": money,
        "totalAmount": money,
        "paymentMethod": method_json(payment.method),
    }
    if payment.decline_reason is not None:
        body["statusReason"] = payment.decline_reason.value
    if payment.authorization_code is not None:
        body["authorizationCode"] = payment.authorization_code
    if payment.correlator is not None:
        body["correlatorId"] = payment.correlator
    if payment.refunded:
        body["refundedAmount"] = {"unit": CURRENCY, "value": json_number(payment.refunded)}
    if payment.description is not None:
        body["description"] = payment.description
    if payment.topup_id is not None:
        body["topupBalance"] = {
            "id": payment.topup_id,
            "href": href(f"{PREPAY_BALANCE}/topupBalance", payment.topup_id),
            "@referredType": "TopupBalance",
        }
    return body


def refund_json(refund: RefundRecord) -> dict[str, Any]:
    """A TMF676 ``Refund``: money given back on a payment."""
    money = {"unit": CURRENCY, "value": json_number(refund.amount)}
    body: dict[str, Any] = {
        "id": refund.id,
        "href": href(f"{PAYMENT_MANAGEMENT}/refund", refund.id),
        "@type": "Refund",
        "status": "succeeded",
        "refundDate": format_timestamp(refund.created),
        "account": {"id": refund.msisdn, "@referredType": "BillingAccount"},
        "amount": money,
        "totalAmount": money,
        "payment": {"id": refund.payment_id, "@referredType": "Payment"},
    }
    if refund.correlator is not None:
        body["correlatorId"] = refund.correlator
    return body


def method_json(method: PaymentMethodChoice) -> dict[str, Any]:
    body: dict[str, Any] = {"@type": method.kind.value, "name": method.name}
    if method.card is not None:
        body["id"] = method.card.id
        body["href"] = href(f"{PAYMENT_METHODS}/paymentMethod", method.card.id)
    if method.wallet is not None:
        body["service"] = method.wallet
    if method.last_four is not None:
        body["lastFourDigits"] = method.last_four
    return body


def saved_card_json(card: SavedCard) -> dict[str, Any]:
    return {
        "id": card.id,
        "href": href(f"{PAYMENT_METHODS}/paymentMethod", card.id),
        "@type": "bankCard",
        "name": card.name,
        "isPreferred": card.preferred,
        "status": "active",
        "brand": card.brand,
        "cardType": card.card_type,
        "lastFourDigits": card.last_four,
        "bank": card.bank,
        "expirationDate": format_timestamp(card.expires),
        "relatedParty": {"id": card.msisdn, "role": "owner", "@referredType": "Individual"},
        "account": [{"id": card.msisdn, "@referredType": "BillingAccount"}],
    }
