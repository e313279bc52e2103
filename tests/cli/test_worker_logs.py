"""`serve --workers N` logs like one process: every line JSON with time, level and
logger, the access line per request, and records below WARNING kept."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp
import orjson

from backends.runner import BackendsThread
from tests.cli.test_commands import _agent, _serve_env, _statuses
from tests.harness.network import free_port
from tests.harness.serve_process import until_healthy


async def test_every_worker_logs_json_lines_with_the_access_log(
    backends: BackendsThread, redis_url: str, tmp_path: Path
) -> None:
    port = free_port()
    log_file = tmp_path / "serve.log"
    with log_file.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "gateway",
            "serve",
            "--workers",
            "2",
            "--port",
            str(port),
            env={**_serve_env(backends, redis_url, port), "TGW_LOG_LEVEL": "INFO"},
            stderr=sink,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession() as http:
                await until_healthy(http, url)
            headers = {"authorization": f"Bearer {_agent()}"}
            query = {"query": "query Probe { tariffs { id } }"}
            # New connections: the kernel spreads them over both workers.
            assert await _statuses(12, "POST", f"{url}/graphql", json=query, headers=headers) == {
                200
            }
        finally:
            process.terminate()
            await process.wait()
    lines = [line for line in log_file.read_bytes().splitlines() if line.strip()]
    records = [orjson.loads(line) for line in lines]  # every line is JSON
    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records)
    access = [r for r in records if r["logger"] == "telecom_gateway.access"]
    assert len(access) == 12, "one access line per request, from whichever worker"
    assert all(r["level"] == "INFO" and r["operations"] == ["Probe"] for r in access)
    assert len({r["request_id"] for r in access}) == 12
