"""Loyalty over HTTP, TM Forum v4 (TMF671 promotion, TMF658 loyalty program product)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.clock import Clock, parse_timestamp
from adapters.http import BackendClient, join_ids
from adapters.memo import TimedMemo
from adapters.tmf import Entity, by_number, characteristics, entities, parsing, ref_id, ref_ids
from domain.loyalty import ActivationRecord, OfferKind, PromotionRecord

PROMOTION_API = "/tmf-api/promotionManagement/v4"
LOYALTY_API = "/tmf-api/loyalty/v4"


def parse_promotion(promotion: Entity) -> PromotionRecord:
    partner: Entity = next(
        (p for p in promotion.get("relatedParty") or () if p.get("role") == "partner"), {}
    )
    period = promotion.get("validFor") or {}
    end = period.get("endDateTime")
    return PromotionRecord(
        id=str(promotion["id"]),
        partner=str(partner.get("name") or partner.get("id") or ""),
        title=str(promotion["name"]),
        description=promotion.get("description"),
        kind=OfferKind(promotion.get("promotionType", "discount")),
        valid_until=parse_timestamp(str(end)) if end else None,
    )


def _active_activation(product: Entity) -> ActivationRecord | None:
    """An activation still active; an ended one (or an unreadable one) is passed over."""
    if product.get("productStatus", "active") != "active":
        return None
    return parse_activation(product)


def parse_activation(product: Entity) -> ActivationRecord | None:
    promotion_id = ref_id(product, "loyaltyProgramProductSpec")
    members = ref_ids(product, "relatedParty")
    if promotion_id is None or not members:
        return None
    code = characteristics(product).get("promoCode")
    return ActivationRecord(
        msisdn=members[0],
        promotion_id=promotion_id,
        promo_code=str(code) if code is not None else None,
    )


class HttpLoyalty:
    def __init__(self, client: BackendClient, clock: Clock, promotions_ttl: float) -> None:
        self._client = client
        # Offers change rarely and every home screen shows them: kept in process.
        self._promotions = TimedMemo(self._load_promotions, clock, promotions_ttl)

    async def promotions(self) -> Sequence[PromotionRecord]:
        return await self._promotions.get()

    async def _load_promotions(self) -> Sequence[PromotionRecord]:
        payload = await self._client.get(f"{PROMOTION_API}/promotion")
        with parsing(self._client.name, "promotion"):
            return tuple(
                parse_promotion(p)
                for p in entities(payload)
                if str(p.get("lifecycleStatus", "active")).lower() == "active"
            )

    async def activations(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[ActivationRecord]]:
        if not msisdns:
            return {}
        payload = await self._client.get(
            f"{LOYALTY_API}/loyaltyProgramProduct", {"relatedParty.id": join_ids(msisdns)}
        )
        return by_number(
            payload,
            self._client.name,
            "loyaltyProgramProduct",
            _active_activation,
            lambda activation: activation.msisdn,
        )

    async def members(self, msisdns: Sequence[str]) -> Mapping[str, bool]:
        if not msisdns:
            return {}
        payload = await self._client.get(
            f"{LOYALTY_API}/loyaltyProgramMember", {"relatedParty.id": join_ids(msisdns)}
        )
        found = dict.fromkeys(msisdns, False)
        with parsing(self._client.name, "loyaltyProgramMember"):
            for member in entities(payload):
                if member.get("status", "active") == "active":
                    for msisdn in ref_ids(member, "relatedParty"):
                        found[msisdn] = True
        return found

    async def join(self, msisdn: str, email: str, name: str | None, key: str) -> None:
        body: dict[str, object] = {
            "relatedParty": [{"id": msisdn, "role": "member"}],
            "characteristic": [{"name": "email", "value": email}],
        }
        if name:
            body["name"] = name
        await self._client.post(
            f"{LOYALTY_API}/loyaltyProgramMember", body, headers={"Idempotency-Key": key}
        )

    async def activate(self, msisdn: str, promotion_id: str, key: str) -> ActivationRecord:
        answer = await self._client.post(
            f"{LOYALTY_API}/loyaltyProgramProduct",
            {
                "relatedParty": [{"id": msisdn, "role": "member"}],
                "loyaltyProgramProductSpec": {"id": promotion_id},
            },
            headers={"Idempotency-Key": key},
        )
        with parsing(self._client.name, "loyaltyProgramProduct"):
            activation = parse_activation(answer)
            if activation is None:
                raise ValueError("the activation names no member or offer")
            return activation
