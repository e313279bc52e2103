"""Each simulator's /openapi.json: a sound OpenAPI 3.0 document listing every route."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiohttp import web

from backends.billing.app import create_app as billing_app
from backends.config import ServiceConfig
from backends.dataset import build_world
from backends.loyalty.app import create_app as loyalty_app
from backends.provisioning.app import create_app as provisioning_app
from backends.sms.app import create_app as sms_app
from tests.backends.simulators import Simulators

FACTORIES: dict[str, Callable[[ServiceConfig], web.Application]] = {
    "billing": billing_app,
    "provisioning": provisioning_app,
    "sms": sms_app,
    "loyalty": loyalty_app,
}
METHODS = {"get", "put", "post", "delete", "patch"}
TMF_PREFIXES = ("/tmf-api/", "/userrolepermission/")


def routes_of(app: web.Application) -> set[tuple[str, str]]:
    return {
        (route.method.lower(), route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None and route.method.lower() in METHODS
    }


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


@pytest.mark.parametrize("service", sorted(FACTORIES))
async def test_openapi_lists_every_route(sim: Simulators, service: str) -> None:
    document = await sim.get_ok(service, "/openapi.json")
    assert document["openapi"].startswith("3.0.")
    assert document["info"]["title"]
    assert document["info"]["version"]
    world = build_world(20, 42)
    app = FACTORIES[service](ServiceConfig(size=20, seed=42, world=world))
    documented = {
        (method, path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in METHODS
    }
    assert routes_of(app) <= documented
    assert {(m, p) for m, p in documented if not p.startswith("/admin/")} <= routes_of(app)


@pytest.mark.parametrize("service", sorted(FACTORIES))
async def test_openapi_operations_are_complete(sim: Simulators, service: str) -> None:
    document = await sim.get_ok(service, "/openapi.json")
    schemas = document["components"]["schemas"]
    for target in refs(document):
        assert target.startswith("#/components/schemas/")
        assert target.removeprefix("#/components/schemas/") in schemas, target
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["responses"], (method, path)
            for status, response in operation["responses"].items():
                assert response["description"]
                if status.startswith("2") and status != "204":
                    assert response["content"]["application/json"]["schema"] is not None
            parameters = operation.get("parameters", [])
            for parameter in parameters:
                assert parameter["in"] in {"query", "path", "header"}
                assert "schema" in parameter
            if "{id}" in path:
                assert {"name": "id", "in": "path"}.items() <= parameters[0].items()
            if (
                method == "post"
                and path.startswith(TMF_PREFIXES)
                and not path.endswith("credentialVerification")
            ):
                # Every state-changing POST takes an idempotency key, and says so (after the
                # id, on an action on one entity).
                keyed = parameters[1] if "{id}" in path else parameters[0]
                assert {"name": "Idempotency-Key", "in": "header"}.items() <= keyed.items()
            if method == "get" and path.startswith(TMF_PREFIXES) and "{id}" not in path:
                names = {p["name"] for p in parameters}
                assert {"offset", "limit", "fields"} <= names, path
