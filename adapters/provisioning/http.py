"""Provisioning over HTTP, TM Forum v4 (TMF620, TMF637, TMF629, TMF672)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from adapters.http import BackendClient, join_ids
from adapters.provisioning.records import (
    CatalogRecord,
    CustomerRecord,
    LinkRecord,
    ProductRecord,
)
from adapters.provisioning.tmf import parse_catalog, parse_customer, parse_link, parse_product
from adapters.tmf import entities, parsing

CATALOG_API = "/tmf-api/productCatalogManagement/v4"
INVENTORY_API = "/tmf-api/productInventory/v4"
CUSTOMER_API = "/tmf-api/customerManagement/v4"
PERMISSION_API = "/userrolepermission/v4"
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
        found: dict[str, list[ProductRecord]] = defaultdict(list)
        with parsing(self._client.name, "product"):
            for item in entities(payload):
                product = parse_product(item)
                if product is not None:
                    found[product.msisdn].append(product)
        return found

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
        found: dict[str, list[LinkRecord]] = defaultdict(list)
        with parsing(self._client.name, "permission"):
            for item in entities(payload):
                link = parse_link(item)
                if link is not None:
                    found[link.owner].append(link)
        return found

    async def verify_password(self, msisdn: str, password: str) -> bool:
        answer = await self._client.post(
            f"{IDENTITY_API}/credentialVerification", {"loginId": msisdn, "password": password}
        )
        with parsing(self._client.name, "credentialVerification"):
            return answer["verified"] is True

    async def create_link(self, owner: str, msisdn: str, alias: str | None) -> LinkRecord:
        answer = await self._client.post(
            f"{PERMISSION_API}/permission",
            {
                "@type": "Permission",
                "description": alias,
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

    async def delete_link(self, link_id: str) -> None:
        await self._client.delete(f"{PERMISSION_API}/permission/{link_id}")
