"""Automatic persisted queries as Apollo Client's persisted-query link does them, GET
with safe cache headers, and the allow-list mode."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from tests.conftest import GatewayFactory
from tests.harness.gateway import GatewayClient

QUERY = "query Tariffs { tariffs { id name } }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
ME = "query Me { me { msisdn } }"


def _ext(sha: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


async def _get(
    gateway: GatewayClient, params: dict[str, str], token: str | None = None
) -> tuple[int, Any, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    async with gateway.session.get(f"{gateway.url}/graphql", params=params, headers=headers) as r:
        return r.status, await r.json(), r.headers


async def test_the_apollo_round_trip(gateway: GatewayClient) -> None:
    # 1. The link sends the hash only.
    first = await gateway.post({"operationName": "Tariffs", "extensions": _ext(HASH)})
    assert first.codes == ["PERSISTED_QUERY_NOT_FOUND"]
    assert first.errors[0]["message"] == "PersistedQueryNotFound"
    # 2. It retries with the query and the hash.
    second = await gateway.post(
        {"query": QUERY, "operationName": "Tariffs", "extensions": _ext(HASH)}
    )
    assert second.errors == []
    # 3. From then on the hash alone works (by GET too).
    third = await gateway.post({"operationName": "Tariffs", "extensions": _ext(HASH)})
    assert third.data == second.data
    status, body, _ = await _get(
        gateway, {"operationName": "Tariffs", "extensions": json.dumps(_ext(HASH))}
    )
    assert status == 200
    assert body["data"] == second.data


async def test_a_hash_that_is_not_the_querys(gateway: GatewayClient) -> None:
    answer = await gateway.post({"query": QUERY, "extensions": _ext("0" * 64)})
    assert answer.codes == ["PERSISTED_QUERY_HASH_MISMATCH"]


async def test_a_document_that_fails_validation_is_not_learned(gateway: GatewayClient) -> None:
    # A stranger's documents that never run must not fill the store (Redis, for 30 days).
    broken = "query Broken { tariffs { id noSuchField } }"
    sha = hashlib.sha256(broken.encode()).hexdigest()
    sent = await gateway.post({"query": broken, "extensions": _ext(sha)})
    assert sent.codes == ["GRAPHQL_VALIDATION_FAILED"]
    again = await gateway.post({"extensions": _ext(sha)})
    assert again.codes == ["PERSISTED_QUERY_NOT_FOUND"]
    assert await gateway.runtime.persisted.get(sha) is None


async def test_apq_is_shared_across_processes(start_gateway: GatewayFactory) -> None:
    async with start_gateway() as first, start_gateway() as second:
        await first.post({"query": QUERY, "extensions": _ext(HASH)})
        answer = await second.post({"extensions": _ext(HASH)})
    assert answer.errors == []


async def test_get_cache_headers(gateway: GatewayClient) -> None:
    await gateway.post({"query": QUERY, "extensions": _ext(HASH)})
    _, _, public = await _get(gateway, {"extensions": json.dumps(_ext(HASH))})
    assert public["cache-control"] == "public, max-age=60"
    assert public["vary"] == "Authorization"

    me_hash = hashlib.sha256(ME.encode()).hexdigest()
    token = gateway.subscriber_token("+79000000001")
    await gateway.post({"query": ME, "extensions": _ext(me_hash)}, token=token)
    status, body, private = await _get(gateway, {"extensions": json.dumps(_ext(me_hash))}, token)
    assert status == 200
    assert body["data"] == {"me": {"msisdn": "+79000000001"}}
    assert private["cache-control"] == "private, no-store"
    assert private["vary"] == "Authorization"


async def test_post_answers_are_never_stored(gateway: GatewayClient) -> None:
    answer = await gateway.query(QUERY)
    assert answer.headers["cache-control"] == "no-store"


async def test_get_refuses_mutations(gateway: GatewayClient) -> None:
    status, body, _ = await _get(
        gateway, {"query": 'mutation { requestLoginCode(msisdn: "+79000000001") { expiresAt } }'}
    )
    assert status == 405
    assert body["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_allowlist_mode(start_gateway: GatewayFactory, tmp_path: Path) -> None:
    manifest = tmp_path / "operations.json"
    manifest.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{"id": HASH, "name": "Tariffs", "type": "query", "body": QUERY}],
            }
        )
    )
    async with start_gateway(
        persisted_queries="allowlist", operations_file=str(manifest)
    ) as gateway:
        by_hash = await gateway.post({"extensions": _ext(HASH)})
        in_full = await gateway.query(QUERY)
        other = await gateway.query("{ tariffs { id } }")
        unknown_hash = await gateway.post({"extensions": _ext("a" * 64)})
    assert by_hash.errors == []
    assert in_full.errors == []
    assert other.codes == ["PERSISTED_QUERY_NOT_ALLOWED"]
    assert unknown_hash.codes == ["PERSISTED_QUERY_NOT_ALLOWED"]


async def test_register_operations_command(
    start_gateway: GatewayFactory, redis_url: str, namespace: str, tmp_path: Path
) -> None:
    manifest = tmp_path / "ops.json"
    manifest.write_text(json.dumps({HASH: QUERY}))
    env = {**os.environ, "REDIS_URL": redis_url, "TGW_CACHE_NAMESPACE": namespace}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway",
        "register-operations",
        str(manifest),
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    assert out.decode().strip() == "registered 1 operations"
    async with start_gateway(persisted_queries="allowlist") as gateway:
        assert (await gateway.post({"extensions": _ext(HASH)})).errors == []

    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"b" * 64: QUERY}))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway",
        "register-operations",
        str(wrong),
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode == 2
    assert "not the SHA-256" in err.decode()
