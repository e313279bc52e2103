"""Provisioning over HTTP, TM Forum v4 (TMF620, TMF637, TMF629, TMF672)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from adapters.clock import parse_timestamp
from adapters.http import BackendClient, join_ids
from adapters.provisioning.tmf import parse_catalog, parse_customer, parse_link, parse_product
from adapters.tmf import Entity, by_number, entities, parsing, ref_id, ref_ids
from domain.provisioning import (
    CatalogRecord,
    CustomerRecord,
    LinkRecord,
    OrderAction,
    OrderItemRecord,
    OrderItemSpec,
    OrderRecord,
    OrderState,
    ProductRecord,
)

CATALOG_API = "/tmf-api/productCatalogManagement/v4"
INVENTORY_API = "/tmf-api/productInventory/v4"
CUSTOMER_API = "/tmf-api/customerManagement/v4"
PERMISSION_API = "/userrolepermission/v4"
ORDER_API = "/tmf-api/productOrderingManagement/v4"
IDENTITY_API = "/tmf-api/digitalIdentityManagement/v4"


class HttpProvisioning:
    def __init__(self, client: BackendClient) -> None:
        self._client = client

    async def catalog(self) -> CatalogRecord:
        offerings = await self._client.get(f"{CATALOG_API}/productOffering")
        with parsing(self._client.name, "productOffering"):
            return parse_catalog(entities(offerings))

    async def products(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[ProductRecord]]:
        if not msisdns:
            return {}
        payload = await self._client.get(
            f"{INVENTORY_API}/product", {"realizingResource.id": join_ids(msisdns)}
        )
        return by_number(
            payload, self._client.name, "product", parse_product, lambda product: product.msisdn
        )

    async def customers(self, msisdns: Sequence[str]) -> Mapping[str, CustomerRecord]:
        if not msisdns:
            return {}
        payload = await self._client.get(f"{CUSTOMER_API}/customer", {"id": join_ids(msisdns)})
        with parsing(self._client.name, "customer"):
            return {c.msisdn: c for c in map(parse_customer, entities(payload))}

    async def links(self, owners: Sequence[str]) -> Mapping[str, Sequence[LinkRecord]]:
        if not owners:
            return {}
        payload = await self._client.get(
            f"{PERMISSION_API}/permission", {"user.id": join_ids(owners)}
        )
        return by_number(
            payload, self._client.name, "permission", parse_link, lambda link: link.owner
        )

    async def linked_by(self, numbers: Sequence[str]) -> Mapping[str, Sequence[LinkRecord]]:
        if not numbers:
            return {}
        # TMF672: the number that granted the permission is its `granter`.
        payload = await self._client.get(
            f"{PERMISSION_API}/permission", {"granter.id": join_ids(numbers)}
        )
        return by_number(
            payload, self._client.name, "permission", parse_link, lambda link: link.msisdn
        )

    async def verify_password(self, msisdn: str, password: str) -> bool:
        answer = await self._client.post(
            f"{IDENTITY_API}/credentialVerification", {"loginId": msisdn, "password": password}
        )
        with parsing(self._client.name, "credentialVerification"):
            return answer["verified"] is True

    async def set_password(self, msisdn: str, password: str) -> None:
        await self._client.patch(
            f"{IDENTITY_API}/digitalIdentity/{msisdn}",
            {"credential": [{"@type": "PasswordCredential", "password": password}]},
        )

    async def create_link(self, owner: str, msisdn: str, alias: str | None) -> LinkRecord:
        permission: dict[str, Any] = {"@type": "Permission"}
        if alias is not None:
            # Absent, not null: TMF672 has no null description (the simulator refuses it).
            permission["description"] = alias
        answer = await self._client.post(
            f"{PERMISSION_API}/permission",
            {
                **permission,
                "user": {"id": owner, "@referredType": "Individual"},
                "granter": {"id": msisdn, "@referredType": "Individual"},
                "privilege": [
                    {
                        "action": "manage",
                        "function": "selfcare",
                        "manageableAsset": {"id": msisdn, "@referredType": "LogicalResource"},
                    }
                ],
            },
        )
        with parsing(self._client.name, "permission"):
            link = parse_link(answer)
            if link is None:
                raise ValueError("the created permission has no user or granter")
            return link

    async def delete_link(self, link: LinkRecord) -> None:
        await self._client.delete(f"{PERMISSION_API}/permission/{link.id}")

    async def place_order(
        self, msisdn: str, items: Sequence[OrderItemSpec], key: str
    ) -> OrderRecord:
        answer = await self._client.post(
            f"{ORDER_API}/productOrder",
            {
                "externalId": key,
                "relatedParty": [{"id": msisdn, "role": "customer"}],
                "productOrderItem": [
                    {
                        "id": str(n),
                        "action": item.action.value,
                        "product": {
                            "productOffering": {"id": item.offering_id},
                            **(
                                {
                                    "productCharacteristic": [
                                        {"name": name, "value": value}
                                        for name, value in item.characteristics
                                    ]
                                }
                                if item.characteristics
                                else {}
                            ),
                        },
                    }
                    for n, item in enumerate(items, start=1)
                ],
            },
            headers={"Idempotency-Key": key},
        )
        with parsing(self._client.name, "productOrder"):
            return parse_order(answer, msisdn)

    async def orders(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[OrderRecord]]:
        if not msisdns:
            return {}
        payload = await self._client.get(
            f"{ORDER_API}/productOrder", {"relatedParty.id": join_ids(msisdns)}
        )
        return by_number(
            payload, self._client.name, "productOrder", _order, lambda order: order.msisdn
        )


def _order(order: Entity) -> OrderRecord | None:
    """The order as its first related party's, the number it is for (none: passed over)."""
    parties = ref_ids(order, "relatedParty")
    return parse_order(order, parties[0]) if parties else None


def parse_order(order: Entity, msisdn: str) -> OrderRecord:
    items = []
    for item in order.get("productOrderItem") or ():
        product = item.get("product") or {}
        offering = product.get("productOffering") or item.get("productOffering") or {}
        items.append(
            OrderItemRecord(
                action=OrderAction(item["action"]),
                offering_id=str(offering.get("id") or ref_id(product, "productOffering") or ""),
                offering_name=offering.get("name"),
            )
        )
    errors = order.get("errorMessage") or []
    ordered, completed = order.get("orderDate"), order.get("completionDate")
    return OrderRecord(
        id=str(order["id"]),
        msisdn=msisdn,
        state=OrderState(order["state"]),
        items=tuple(items),
        ordered_at=parse_timestamp(str(ordered)) if ordered else None,
        completed_at=parse_timestamp(str(completed)) if completed else None,
        failure=str(errors[0].get("code")) if errors else None,
    )
