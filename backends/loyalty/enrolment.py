"""Joining the loyalty programme and activating a partner offer: the rules.

Joining needs an e-mail (the name defaults to the subscriber's); a number joins once
(409 ``ALREADY_MEMBER``). Only members activate offers (422 ``NOT_A_MEMBER``), each offer
once while it is active (409 ``ALREADY_ACTIVE``); an activation holds a fresh promo code
(``TAXI-7Q4F``: the partner's prefix and four characters).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from backends.kit.errors import TmfError, conflict, unprocessable
from backends.loyalty.state import ActivationRecord, LoyaltyState, MemberRecord

PROMO_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud
PROMO_CODE_LENGTH = 4


def join(
    state: LoyaltyState, msisdn: str, email: str, name: str | None, now: datetime
) -> MemberRecord:
    subscriber = state.world.subscriber(msisdn)
    if subscriber is None:
        raise _unknown_number(msisdn)
    if state.member_of(msisdn) is not None:
        raise conflict(f"{msisdn} is already a member", "ALREADY_MEMBER")
    return state.add_member(msisdn, name or subscriber.name, email, now)


def activate(
    state: LoyaltyState, msisdn: str, promotion_id: str, now: datetime
) -> ActivationRecord:
    promotion = state.promotion(promotion_id)
    if promotion is None:
        raise TmfError(404, "UNKNOWN_PROMOTION", "Not found", f"no promotion {promotion_id!r}")
    if state.world.subscriber(msisdn) is None:
        raise _unknown_number(msisdn)
    if state.member_of(msisdn) is None:
        raise unprocessable("NOT_A_MEMBER", f"{msisdn} has not joined the loyalty programme")
    if any(
        a.promotion_id == promotion_id and a.status == "active" for a in state.activations([msisdn])
    ):
        raise conflict(f"{msisdn} has already activated {promotion_id}", "ALREADY_ACTIVE")
    return state.add_activation(msisdn, promotion_id, _new_code(state, promotion.code_prefix), now)


def _new_code(state: LoyaltyState, prefix: str) -> str:
    while True:
        tail = "".join(secrets.choice(PROMO_CODE_ALPHABET) for _ in range(PROMO_CODE_LENGTH))
        code = f"{prefix}-{tail}"
        if code not in state.promo_codes:
            return code


def _unknown_number(msisdn: str) -> TmfError:
    return unprocessable("UNKNOWN_NUMBER", f"{msisdn!r} is not a number of this operator")
