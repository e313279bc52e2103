"""Reading a ``paymentMethod`` from a payment or autopay body (TMF670 field names):

- ``{"@type": "bankCard", "id": "PM-79000000001-1"}``: a card the number has saved;
- ``{"@type": "tokenizedCard", "token": "...", "lastFourDigits"?: "1234"}``: a one-time
  card token from the payment form;
- ``{"@type": "digitalWallet", "service": "ApplePay" | "GooglePay", "token": "..."}``.

A malformed method is a 400 ``INVALID_PAYMENT_METHOD``; a saved-card id that is not one of
the number's cards is a 422 ``UNKNOWN_PAYMENT_METHOD``.
"""

from __future__ import annotations

from typing import Any

from backends.billing.payments import WALLET_NAMES, MethodKind, PaymentMethodChoice
from backends.kit.errors import TmfError, invalid, unprocessable
from backends.wallet import SavedCard

INVALID_PAYMENT_METHOD = "INVALID_PAYMENT_METHOD"
UNKNOWN_PAYMENT_METHOD = "UNKNOWN_PAYMENT_METHOD"
MAX_TOKEN_LENGTH = 512


def read_payment_method(
    body: dict[str, Any], cards: tuple[SavedCard, ...], name: str = "paymentMethod"
) -> PaymentMethodChoice:
    method = body.get(name)
    if not isinstance(method, dict):
        raise _invalid(f"{name!r} must be an object with an '@type'")
    kind = method.get("@type")
    if kind == MethodKind.BANK_CARD:
        card_id = method.get("id")
        if not isinstance(card_id, str) or not card_id:
            raise _invalid("a bankCard payment method names a saved card by 'id'")
        card = next((card for card in cards if card.id == card_id), None)
        if card is None:
            raise unprocessable(UNKNOWN_PAYMENT_METHOD, f"no saved card {card_id!r} on this number")
        return PaymentMethodChoice(MethodKind.BANK_CARD, card=card)
    if kind == MethodKind.TOKENIZED_CARD:
        last_four = method.get("lastFourDigits")
        if last_four is not None and not (
            isinstance(last_four, str) and len(last_four) == 4 and last_four.isdigit()
        ):
            raise _invalid("'lastFourDigits' must be four digits")
        return PaymentMethodChoice(
            MethodKind.TOKENIZED_CARD, token=_token(method), last_four=last_four
        )
    if kind == MethodKind.DIGITAL_WALLET:
        service = method.get("service")
        if service not in WALLET_NAMES:
            raise _invalid(f"a digitalWallet 'service' is ApplePay or GooglePay, not {service!r}")
        return PaymentMethodChoice(MethodKind.DIGITAL_WALLET, token=_token(method), wallet=service)
    known = ", ".join(kind.value for kind in MethodKind)
    raise _invalid(f"'@type' of {name!r} must be one of {known}, not {kind!r}")


def _token(method: dict[str, Any]) -> str:
    token = method.get("token")
    if not isinstance(token, str) or not token.strip() or len(token) > MAX_TOKEN_LENGTH:
        raise _invalid(f"'token' must be a non-empty string of at most {MAX_TOKEN_LENGTH}")
    return token


def _invalid(message: str) -> TmfError:
    return invalid(INVALID_PAYMENT_METHOD, message)
