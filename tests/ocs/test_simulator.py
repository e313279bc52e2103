"""The simulated OCS over HTTP: the captured system's shapes, auth, paging, timestamps,
top-ups and errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp
import orjson
import pytest

from backends.config import ServiceConfig
from backends.dataset import DEMO_MSISDN, World
from backends.ocs.app import create_app
from backends.ocs.auth import DEFAULT_PASSWORD, DEFAULT_USERNAME
from backends.ocs.openapi import OPENAPI
from tests.ocs.captures import (
    BUCKETS,
    HTML_500,
    NO_SUCH_PATH,
    PRODUCT,
    SERVICE,
    SERVICE_BALANCE,
    TOP_UP,
    capture,
)

AUTH = {"Authorization": aiohttp.encode_basic_auth(DEFAULT_USERNAME, DEFAULT_PASSWORD)}
DEMO_SERVICE = DEMO_MSISDN.removeprefix("+")
TOP_UP_PATH = f"/balanceManagement/v1/service/{DEMO_SERVICE}/balanceTopup"


async def _get(
    http: aiohttp.ClientSession, url: str, headers: Mapping[str, str] | None = None
) -> tuple[int, Mapping[str, str], bytes]:
    async with http.get(url, headers={**AUTH, **(headers or {})}) as response:
        return response.status, response.headers, await response.read()


async def _post(
    http: aiohttp.ClientSession, url: str, body: Any, content_type: str = "application/json"
) -> tuple[int, Mapping[str, str], bytes]:
    headers = {**AUTH, "Content-Type": content_type}
    async with http.post(url, data=orjson.dumps(body), headers=headers) as response:
        return response.status, response.headers, await response.read()


async def _product_id(http: aiohttp.ClientSession, ocs_url: str) -> str:
    _, _, body = await _get(http, f"{ocs_url}/serviceInventoryManagement/v2/service/{DEMO_SERVICE}")
    product_id: str = orjson.loads(body)["product"]
    return product_id


def _keys(entity: Mapping[str, Any]) -> list[str]:
    """The field names in order: the simulator writes them as the system does."""
    return list(entity)


async def test_answers_have_the_captured_shapes(http: aiohttp.ClientSession, ocs_url: str) -> None:
    status, headers, body = await _get(
        http, f"{ocs_url}/serviceInventoryManagement/v2/service/{DEMO_SERVICE}"
    )
    service = orjson.loads(body)
    assert status == 200
    assert headers["Content-Type"] == capture(SERVICE).header("Content-Type")
    assert _keys(service) == _keys(capture(SERVICE).json())
    assert service["id"] == DEMO_SERVICE

    product_id = service["product"]
    _, headers, body = await _get(
        http, f"{ocs_url}/balanceManagement/v1/bucket?product.id={product_id}"
    )
    buckets = orjson.loads(body)
    recorded = capture(BUCKETS).json()
    assert {k: headers[k] for k in ("Accept-Ranges", "Content-Type")} == {
        k: capture(BUCKETS).header(k) for k in ("Accept-Ranges", "Content-Type")
    }
    assert headers["Content-Range"] == "items 1-3/3"
    # The money bucket has no validFor, like the recorded "-25"; quotas have both ends.
    assert _keys(buckets[0]) == _keys(recorded[0])
    assert _keys(buckets[1]) == _keys(recorded[1])
    assert [b["remainedAmount"] for b in buckets] == [
        {"amount": "412.5", "units": "cents"},
        {"amount": "15000s", "units": "seconds"},
        {"amount": "12250000000b", "units": "octets"},
    ]
    assert b"Z" not in body

    _, _, body = await _get(http, f"{ocs_url}/productInventoryManagement/v2/product/{product_id}")
    product = orjson.loads(body)
    assert _keys(product) == _keys(capture(PRODUCT).json())
    octets = next(b for b in product["balance"] if b["name"] == "octets")
    assert octets["totalBalance"]["amount"] == 12_250_000_000

    _, _, body = await _get(
        http, f"{ocs_url}/balanceManagement/v1/service/{DEMO_SERVICE}/accumulatedBalance"
    )
    accumulated = orjson.loads(body)
    assert _keys(accumulated) == _keys(capture(SERVICE_BALANCE).json())
    assert {"amount": "412.5", "units": "cents"} in accumulated["totalBalance"]


async def test_basic_auth_on_all_but_health(http: aiohttp.ClientSession, ocs_url: str) -> None:
    async with http.get(f"{ocs_url}/health") as response:
        assert response.status == 200
    service = f"{ocs_url}/serviceInventoryManagement/v2/service/{DEMO_SERVICE}"
    async with http.get(service) as response:
        assert response.status == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic")
    wrong = {"Authorization": aiohttp.encode_basic_auth(DEFAULT_USERNAME, "nope")}
    async with http.get(service, headers=wrong) as response:
        assert response.status == 401


async def test_range_paging_with_etag(http: aiohttp.ClientSession, ocs_url: str) -> None:
    listing = f"{ocs_url}/balanceManagement/v1/bucket?product.id={await _product_id(http, ocs_url)}"

    status, headers, body = await _get(http, listing, {"Range": "items=1-2"})
    assert (status, headers["Content-Range"], len(orjson.loads(body))) == (200, "items 1-2/3", 2)
    etag = headers["Etag"]

    status, headers, body = await _get(http, listing, {"Range": "items=3-4", "If-Match": etag})
    assert (status, headers["Content-Range"], len(orjson.loads(body))) == (200, "items 3-3/3", 1)
    assert headers["Etag"] == etag

    status, _, _ = await _get(http, listing, {"Range": "items=4-5", "If-Match": etag})
    assert status == 416
    status, _, _ = await _get(http, listing, {"Range": "items=1-2", "If-Match": "no-such"})
    assert status == 412
    status, _, _ = await _get(http, listing, {"Range": "bytes=0-10"})
    assert status == 400
    status, _, _ = await _get(http, f"{listing}&logicalResource.id={DEMO_MSISDN}")
    assert status == 400

    empty = f"{ocs_url}/balanceManagement/v1/bucket?product.id=1795600099999-1"
    status, headers, body = await _get(http, empty, {"Range": "items=1-50"})
    assert (status, headers["Content-Range"], orjson.loads(body)) == (200, "items */0", [])


async def test_a_top_up_adds_a_bucket(http: aiohttp.ClientSession, ocs_url: str) -> None:
    body = {
        "type": "buckettype",
        "channel": {"name": "gateway"},
        "amount": {"units": "octets", "amount": "1g"},
        "validFor": {"startDateTime": "2026-11-01T00:00:00.000"},
    }
    status, headers, answer = await _post(http, f"{ocs_url}{TOP_UP_PATH}", body)

    bucket = orjson.loads(answer)
    assert status == capture(TOP_UP).status == 201
    assert headers["Location"] == f"/balanceManagement/v1/bucket/{bucket['id']}"
    assert bucket["remainedAmount"] == {"amount": "1000000000b", "units": "octets"}
    assert bucket["validFor"] == {"startDateTime": "2026-11-01T00:00:00.000"}
    _, _, stored = await _get(http, f"{ocs_url}/balanceManagement/v1/bucket/{bucket['id']}")
    assert orjson.loads(stored) == bucket


@pytest.mark.parametrize(
    "period",
    [{"startDateTime": "2026-11-25T11:50:05Z"}, {"endDateTime": "2027-11-01T00:00:00.000+03:00"}],
)
async def test_a_zoned_timestamp_is_a_400(
    http: aiohttp.ClientSession, ocs_url: str, period: dict[str, str]
) -> None:
    body = {"amount": {"units": "cents", "amount": "10"}, "validFor": period}
    status, _, answer = await _post(http, f"{ocs_url}{TOP_UP_PATH}", body)
    assert status == 400
    assert orjson.loads(answer)["@type"] == "Error"


@pytest.mark.parametrize(
    "amount",
    [
        {"units": "cents", "amount": "-10"},
        {"units": "cents", "amount": "0.0000001"},
        {"units": "octets", "amount": "5gb"},
        {"units": "euros", "amount": "10"},
    ],
)
async def test_a_bad_top_up_amount_is_a_400(
    http: aiohttp.ClientSession, ocs_url: str, amount: dict[str, str]
) -> None:
    status, _, _ = await _post(http, f"{ocs_url}{TOP_UP_PATH}", {"amount": amount})
    assert status == 400


async def test_a_top_up_must_be_json(http: aiohttp.ClientSession, ocs_url: str) -> None:
    body = {"amount": {"units": "cents", "amount": "10"}}
    status, _, _ = await _post(http, f"{ocs_url}{TOP_UP_PATH}", body, "text/plain")
    assert status == 415


async def test_a_top_up_to_an_unknown_product_is_the_known_500(
    http: aiohttp.ClientSession, ocs_url: str
) -> None:
    body = {"amount": {"units": "cents", "amount": "10"}}
    url = f"{ocs_url}/balanceManagement/v1/product/1795600099999-1/balanceTopup"

    status, headers, answer = await _post(http, url, body)

    assert status == 500
    assert headers["Content-Type"] == capture(HTML_500).header("Content-Type") == "text/html"
    assert answer == capture(HTML_500).body


async def test_errors_come_in_the_systems_shapes(http: aiohttp.ClientSession, ocs_url: str) -> None:
    status, headers, body = await _get(http, f"{ocs_url}/usageManagement/v1/usage")
    recorded = capture(NO_SUCH_PATH)
    assert (status, body) == (recorded.status, recorded.body)
    assert headers["Content-Type"] == recorded.header("Content-Type")

    status, headers, body = await _get(
        http, f"{ocs_url}/usageManagement/v1/usage", {"Accept": "application/problem+json"}
    )
    assert status == 404
    assert headers["Content-Type"] == "application/problem+json"
    problem = orjson.loads(body)
    assert (problem["status"], problem["title"]) == (404, "Not Found")

    status, _, body = await _get(http, f"{ocs_url}/serviceInventoryManagement/v2/service/7999")
    assert status == 404
    assert orjson.loads(body)["status"] == "404"


@pytest.mark.parametrize(
    ("path", "recorded"),
    [
        ("/nothing", "get__nothing.txt"),
        ("/balanceManagement/v1/nothing", "get__balanceManagement_v1_nothing.txt"),
        ("/tmf-api/balanceManagement/v1/bucket", "get__tmf-api_balanceManagement_v1_bucket.txt"),
    ],
)
async def test_a_path_it_does_not_serve_is_the_html_page(
    http: aiohttp.ClientSession, ocs_url: str, path: str, recorded: str
) -> None:
    status, headers, body = await _get(http, f"{ocs_url}{path}")
    assert (status, body) == (capture(recorded).status, capture(recorded).body)
    assert headers["Content-Type"] == "text/html"


async def test_a_post_to_a_path_it_does_not_serve_is_a_500_page(
    http: aiohttp.ClientSession, ocs_url: str
) -> None:
    status, headers, _ = await _post(http, f"{ocs_url}/nothing", {})
    assert status == 500
    assert headers["Content-Type"] == "text/html"


async def test_openapi_lists_every_route(world: World) -> None:
    app = create_app(ServiceConfig(size=world.size, seed=world.seed, world=world))
    routes = {
        (route.method.lower(), route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None and route.method in {"GET", "POST", "PUT", "DELETE"}
    }
    documented = {
        (method, path) for path, operations in OPENAPI["paths"].items() for method in operations
    }
    assert routes == documented
