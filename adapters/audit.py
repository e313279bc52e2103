"""The audit log of agents' reads: who read which number's which fields, and when.

JSON lines, appended to a file (TGW_AUDIT_LOG, flushed once per turn of the event loop:
a dashboard's fifty reads are one write, still before its answer is sent) or to the
`telecom_gateway.audit` logger; the shipping of either to long-term storage is the
platform's job."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Protocol

import orjson

log = logging.getLogger("telecom_gateway.audit")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    agent: str
    msisdn: str
    fields: tuple[str, ...]
    request_id: str

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "at": self.at.isoformat(),
                "agent": self.agent,
                "msisdn": self.msisdn,
                "fields": list(self.fields),
                "requestId": self.request_id,
            }
        )


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None: ...

    def close(self) -> None: ...


class FileAuditLog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[bytes] = path.open("ab")
        self._flushing = False

    def record(self, entry: AuditEntry) -> None:
        self._file.write(entry.to_json() + b"\n")
        if self._flushing:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._file.flush()
            return
        self._flushing = True
        loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flushing = False
        if not self._file.closed:
            self._file.flush()

    def close(self) -> None:
        self._file.close()


class LoggerAuditLog:
    def record(self, entry: AuditEntry) -> None:
        log.info("%s", entry.to_json().decode())

    def close(self) -> None:
        return None
