"""Every agent read is written to the audit log: who, which number, which fields, when."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from tests.conftest import GatewayFactory


async def test_agent_reads_are_audited(start_gateway: GatewayFactory, tmp_path: Path) -> None:
    log_file = tmp_path / "audit.jsonl"
    async with start_gateway(audit_log=str(log_file)) as gateway:
        agent = gateway.agent_token("support-7")
        answer = await gateway.query(
            "query($m: [Msisdn!]!) { subscribers(msisdns: $m) { msisdn balance { stale } "
            "...T } } fragment T on Subscriber { tariff { name } }",
            {"m": ["+79000000002", "+79000000003"]},
            token=agent,
            headers={"x-request-id": "audit-test-0001"},
        )
        assert answer.errors == []
        # A subscriber's reads are not agent reads.
        await gateway.query("{ me { msisdn } }", token=gateway.subscriber_token("+79000000001"))

    entries = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert [(e["agent"], e["msisdn"]) for e in entries] == [
        ("support-7", "+79000000002"),
        ("support-7", "+79000000003"),
    ]
    for entry in entries:
        assert entry["fields"] == ["balance", "msisdn", "tariff"]
        assert entry["requestId"] == "audit-test-0001"
        assert datetime.fromisoformat(entry["at"]).tzinfo is not None
