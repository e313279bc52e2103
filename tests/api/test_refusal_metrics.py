"""A refusal at the transport (body too large, batch too large, a form post) counts once
in tgw_refusals_total, like every other refusal."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from tests.conftest import GatewayFactory


def _refusals(code: str) -> float:
    return REGISTRY.get_sample_value("tgw_refusals_total", {"code": code}) or 0.0


@pytest.mark.parametrize(
    ("raw", "content_type", "code", "status"),
    [
        (
            b'{"query": "{ tariffs { id } }", "x": "' + b"y" * 2_000 + b'"}',
            None,
            "PAYLOAD_TOO_LARGE",
            413,
        ),
        (
            b"[" + b",".join([b'{"query": "{ tariffs { id } }"}'] * 11) + b"]",
            None,
            "BATCH_TOO_LARGE",
            400,
        ),
        (b'{"query": "{ tariffs { id } }"}', "text/plain", "BAD_REQUEST", 415),
    ],
)
async def test_a_transport_refusal_counts_once(
    start_gateway: GatewayFactory, raw: bytes, content_type: str | None, code: str, status: int
) -> None:
    headers = {"content-type": content_type} if content_type else None
    async with start_gateway(max_body_bytes=1_024) as gateway:
        before = _refusals(code)
        answer = await gateway.post(None, raw=raw, headers=headers)
        assert answer.status == status
        assert answer.codes == [code]
        assert _refusals(code) == before + 1
