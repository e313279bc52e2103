"""Login answers: when a code expires, and the tokens of a session."""

from __future__ import annotations

from datetime import datetime

import strawberry

from resolvers.access import reach_of_session
from resolvers.login import CodeSent
from resolvers.sessions import SessionTokens
from schema.subscriber import Subscriber


@strawberry.type(description="A code was sent (or, for a number we do not know, would be).")
class CodeSentPayload:
    expires_at: datetime
    resend_available_at: datetime

    @classmethod
    def from_record(cls, record: CodeSent) -> CodeSentPayload:
        return cls(expires_at=record.expires_at, resend_available_at=record.resend_at)


@strawberry.type
class AuthPayload:
    tokens: strawberry.Private[SessionTokens]

    @strawberry.field(description="Send as `Authorization: Bearer <accessToken>`.")
    def access_token(self) -> str:
        return self.tokens.access_token

    @strawberry.field
    def access_token_expires_at(self) -> datetime:
        return self.tokens.access_expires_at

    @strawberry.field(description="Opaque; trade it for new tokens with refreshSession.")
    def refresh_token(self) -> str:
        return self.tokens.refresh_token

    @strawberry.field
    def refresh_token_expires_at(self) -> datetime:
        return self.tokens.refresh_expires_at

    @strawberry.field(description="The subscriber who logged in.")
    def subscriber(self) -> Subscriber:
        return Subscriber(reach=reach_of_session(self.tokens.msisdn))
