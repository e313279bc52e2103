"""Errors the resolvers raise on purpose; each carries the stable `extensions.code` that
clients branch on. Anything else that escapes a resolver is a bug and gets masked."""

from __future__ import annotations


class GatewayError(Exception):
    code = "INTERNAL"

    def __init__(self, message: str, **extensions: object) -> None:
        super().__init__(message)
        self.message = message
        # The code and any extra machine-readable facts (`retryAfter`, `triesLeft`...);
        # graphql-core copies an original error's `extensions` into the GraphQL error, so
        # they reach clients on every transport (HTTP, WebSocket, SSE) alike.
        self.extensions: dict[str, object] = {"code": self.code, **extensions}


class UnauthenticatedError(GatewayError):
    code = "UNAUTHENTICATED"


class IdentityProviderUnavailableError(GatewayError):
    """An agent's token names a key the gateway does not know, and the company identity
    provider cannot be reached to fetch it: not the agent's fault, try again."""

    code = "IDENTITY_PROVIDER_UNAVAILABLE"


class ForbiddenError(GatewayError):
    code = "FORBIDDEN"


class NotFoundError(GatewayError):
    code = "NOT_FOUND"


class InvalidInputError(GatewayError):
    code = "BAD_USER_INPUT"


class RateLimitedError(GatewayError):
    """Too many requests of this kind; `retryAfter` says when to try again (seconds)."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message, retryAfter=max(1, int(retry_after + 0.999)))
        self.retry_after = retry_after


class InvalidCodeError(GatewayError):
    code = "INVALID_CODE"


class CodeExpiredError(GatewayError):
    code = "CODE_EXPIRED"


class TooManyAttemptsError(GatewayError):
    code = "TOO_MANY_ATTEMPTS"


class InvalidCredentialsError(GatewayError):
    code = "INVALID_CREDENTIALS"


class InvalidRefreshTokenError(GatewayError):
    code = "INVALID_REFRESH_TOKEN"


class NotOperatorNumberError(GatewayError):
    code = "NOT_OPERATOR_NUMBER"


class AlreadyLinkedError(GatewayError):
    code = "ALREADY_LINKED"


class LinkLimitError(GatewayError):
    code = "LINK_LIMIT_REACHED"


class TemporarilyUnavailableError(GatewayError):
    """A dependency that security decisions rest on is down: fail closed."""

    code = "TEMPORARILY_UNAVAILABLE"


class ConversationRefusedError(GatewayError):
    """Support refused to escalate: the conversation is closed or has a ticket already."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)
