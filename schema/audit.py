"""The supervisors' audit log: agents' reads of numbers."""

from __future__ import annotations

from datetime import datetime

import strawberry

from adapters.audit import AuditEntry
from adapters.audit_store import AuditPage


@strawberry.type(description="One agent's read of one number.")
class AgentRead:
    at: datetime
    agent: str
    msisdn: str
    fields: list[str] = strawberry.field(description="The number's fields the agent asked for.")
    request_id: str

    @classmethod
    def from_record(cls, entry: AuditEntry) -> AgentRead:
        return cls(
            at=entry.at,
            agent=entry.agent,
            msisdn=entry.msisdn,
            fields=list(entry.fields),
            request_id=entry.request_id,
        )


@strawberry.type(description="A page of the audit log, newest first.")
class AuditLogPage:
    entries: list[AgentRead]
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` for the next page; null on the last page."
    )
    has_next_page: bool

    @classmethod
    def from_record(cls, page: AuditPage) -> AuditLogPage:
        return cls(
            entries=[AgentRead.from_record(e) for e in page.entries],
            end_cursor=page.end_cursor,
            has_next_page=page.end_cursor is not None,
        )
