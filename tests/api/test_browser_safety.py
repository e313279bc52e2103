"""CSRF: what a browser may send cross-site without a preflight never changes anything.
CORS: only origins of the allow-list may read answers."""

from __future__ import annotations

import pytest

from tests.conftest import GatewayFactory
from tests.harness.gateway import GatewayClient

MUTATION = '{"query": "mutation { requestLoginCode(msisdn: \\"+79000000001\\") { expiresAt } }"}'


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]
)
async def test_simple_cross_site_posts_are_refused(
    gateway: GatewayClient, content_type: str
) -> None:
    answer = await gateway.post(None, raw=MUTATION.encode(), headers={"content-type": content_type})
    assert answer.status == 415
    assert answer.codes == ["BAD_REQUEST"]


async def test_cors_allows_listed_origins_only(start_gateway: GatewayFactory) -> None:
    async with start_gateway(cors_origins=["https://lk.example.ru"]) as gateway:
        preflight = {
            "origin": "https://lk.example.ru",
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        }
        async with gateway.session.options(f"{gateway.url}/graphql", headers=preflight) as ok:
            assert ok.status == 200
            assert ok.headers["access-control-allow-origin"] == "https://lk.example.ru"
        evil = {**preflight, "origin": "https://evil.example.com"}
        async with gateway.session.options(f"{gateway.url}/graphql", headers=evil) as refused:
            assert refused.status == 400
            assert "access-control-allow-origin" not in refused.headers
        answer = await gateway.query(
            "{ tariffs { id } }", headers={"origin": "https://evil.example.com"}
        )
        assert "access-control-allow-origin" not in answer.headers
