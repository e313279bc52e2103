"""Errors the resolvers raise on purpose; each carries the stable `extensions.code` that
clients branch on. Anything else that escapes a resolver is a bug and gets masked."""

from __future__ import annotations


class GatewayError(Exception):
    code = "INTERNAL"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnauthenticatedError(GatewayError):
    code = "UNAUTHENTICATED"


class ForbiddenError(GatewayError):
    code = "FORBIDDEN"


class NotFoundError(GatewayError):
    code = "NOT_FOUND"


class InvalidInputError(GatewayError):
    code = "BAD_USER_INPUT"
