"""The provisioning service's read routes, permissions and password check, and
``create_app``, which also wires product orders (with billing as a peer) and the hub."""

from __future__ import annotations

from aiohttp import web

from backends.config import ServiceConfig
from backends.kit.bodies import read_json_object, reference_id, required_string
from backends.kit.errors import bad_request, conflict, not_found
from backends.kit.filters import parse_query
from backends.kit.hub import attach_hub
from backends.kit.idempotency import idempotent
from backends.kit.ids import href, msisdn_in_id
from backends.kit.listing import indexed_collection
from backends.kit.lookup import path_entity
from backends.kit.peer import PeerClient, attach_peer
from backends.kit.responses import collection_response, json_response
from backends.kit.service import create_service_app
from backends.kit.stepper import attach_stepper
from backends.provisioning import order_routes
from backends.provisioning.fulfilment import Fulfilment
from backends.provisioning.keys import FULFILMENT, ORDER_STEPS, PROVISIONING
from backends.provisioning.openapi import (
    CUSTOMER_FILTERS,
    OFFERING_FILTERS,
    OPENAPI,
    PERMISSION_FILTERS,
    PRODUCT_FILTERS,
)
from backends.provisioning.order_resources import PRODUCT_ORDERING
from backends.provisioning.resources import (
    CUSTOMER_MANAGEMENT,
    DIGITAL_IDENTITY,
    PERMISSIONS,
    PRODUCT_CATALOG,
    PRODUCT_INVENTORY,
    customer_json,
    offerings_json,
    permission_json,
    product_json,
)
from backends.provisioning.state import DuplicateLinkError, LinkRefusedError, ProvisioningState

DEFAULT_PORT = 8102
BILLING_PEER = web.AppKey("billing_peer", PeerClient)

routes = web.RouteTableDef()


def create_app(config: ServiceConfig) -> web.Application:
    app = create_service_app(
        "provisioning", [*routes, *order_routes.routes], OPENAPI, config.faults
    )
    state = app[PROVISIONING] = ProvisioningState(config.build_world())
    hub = attach_hub(app, PRODUCT_ORDERING, config.hub_secret)
    billing = PeerClient("billing", config.peers)
    attach_peer(app, BILLING_PEER, billing)
    app[FULFILMENT] = Fulfilment(state, billing, hub)
    attach_stepper(app, ORDER_STEPS, config.order_step_ms)
    return app


@routes.get(f"{PRODUCT_CATALOG}/productOffering")
async def list_offerings(request: web.Request) -> web.Response:
    query = parse_query(request.query, OFFERING_FILTERS)
    page, total = query.select(offerings_json(), lambda offering: offering)
    return collection_response(page, total=total)


@routes.get(f"{PRODUCT_CATALOG}/productOffering/{{id}}")
async def get_offering(request: web.Request) -> web.Response:
    offering_id = request.match_info["id"]
    for offering in offerings_json():
        if offering["id"] == offering_id:
            return json_response(offering)
    raise not_found("productOffering", offering_id)


@routes.get(f"{PRODUCT_INVENTORY}/product")
async def list_products(request: web.Request) -> web.Response:
    state = request.app[PROVISIONING]
    query = parse_query(request.query, PRODUCT_FILTERS)
    # Both keys name the number: serve whichever is given from the index.
    key = "realizingResource.id" if "realizingResource.id" in query.filters else "relatedParty.id"
    products = list(state.products_of(query.values(key)))
    page, total = query.select(products, product_json, handled=(key,))
    return collection_response(page, total=total)


@routes.get(f"{PRODUCT_INVENTORY}/product/{{id}}")
async def get_product(request: web.Request) -> web.Response:
    product_id = request.match_info["id"]
    msisdn = msisdn_in_id(product_id, "PRD")
    products = request.app[PROVISIONING].products(msisdn) if msisdn else None
    for product in products or ():
        if product.id == product_id:
            return json_response(product_json(product))
    raise not_found("product", product_id)


@routes.get(f"{CUSTOMER_MANAGEMENT}/customer")
async def list_customers(request: web.Request) -> web.Response:
    state = request.app[PROVISIONING]
    return indexed_collection(request, CUSTOMER_FILTERS, "id", state.customers, customer_json)


@routes.get(f"{CUSTOMER_MANAGEMENT}/customer/{{id}}")
async def get_customer(request: web.Request) -> web.Response:
    customer = path_entity(request, "customer", request.app[PROVISIONING].customer)
    return json_response(customer_json(customer))


@routes.get(f"{PERMISSIONS}/permission")
async def list_permissions(request: web.Request) -> web.Response:
    state = request.app[PROVISIONING]
    query = parse_query(request.query, PERMISSION_FILTERS)
    permissions = state.permissions(query.values("user.id"), query.values("granter.id"))
    page, total = query.select(permissions, permission_json, handled=PERMISSION_FILTERS)
    return collection_response(page, total=total)


@routes.post(f"{PERMISSIONS}/permission")
@idempotent()
async def create_permission(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    user = reference_id(body, "user")
    granter = reference_id(body, "granter")
    description = body.get("description", "")
    if not isinstance(description, str):
        raise bad_request("'description' must be a string")
    try:
        permission = request.app[PROVISIONING].add_permission(user, granter, description)
    except DuplicateLinkError as exc:
        raise conflict(str(exc)) from None
    except LinkRefusedError as exc:
        raise bad_request(str(exc)) from None
    return json_response(
        permission_json(permission),
        status=201,
        headers={"Location": href(f"{PERMISSIONS}/permission", permission.id)},
    )


@routes.get(f"{PERMISSIONS}/permission/{{id}}")
async def get_permission(request: web.Request) -> web.Response:
    permission = path_entity(request, "permission", request.app[PROVISIONING].permission)
    return json_response(permission_json(permission))


@routes.delete(f"{PERMISSIONS}/permission/{{id}}")
async def delete_permission(request: web.Request) -> web.Response:
    permission_id = request.match_info["id"]
    if not request.app[PROVISIONING].remove_permission(permission_id):
        raise not_found("permission", permission_id)
    return web.Response(status=204)


@routes.post(f"{DIGITAL_IDENTITY}/credentialVerification")
async def verify_credentials(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    login = required_string(body, "loginId")
    password = body.get("password")
    if not isinstance(password, str):
        raise bad_request("'password' must be a string")
    verified = request.app[PROVISIONING].credentials.verify(login, password)
    return json_response({"verified": verified})


@routes.patch(f"{DIGITAL_IDENTITY}/digitalIdentity/{{id}}")
async def change_credentials(request: web.Request) -> web.Response:
    """A number's new permanent password (TMF720 ``credential`` of a DigitalIdentity, whose
    id is the number). The password is never echoed back."""
    login = request.match_info["id"]
    body = await read_json_object(request)
    credentials = body.get("credential")
    if not isinstance(credentials, list) or len(credentials) != 1:
        raise bad_request("'credential' must list one PasswordCredential")
    credential = credentials[0]
    if not isinstance(credential, dict) or credential.get("@type") != "PasswordCredential":
        raise bad_request("'credential' must list one PasswordCredential")
    password = credential.get("password")
    if not isinstance(password, str) or not password:
        raise bad_request("'password' must be a non-empty string")
    state = request.app[PROVISIONING]
    if state.world.subscriber(login) is None:
        raise not_found("digitalIdentity", login)
    state.credentials.set_password(login, password)
    return json_response(
        {
            "id": login,
            "@type": "DigitalIdentity",
            "credential": [{"@type": "PasswordCredential", "loginId": login, "state": "active"}],
        }
    )
