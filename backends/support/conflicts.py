"""409s that point at the entity standing in the way (the open conversation, the
ticket already opened), so a client can carry on with it instead of guessing."""

from __future__ import annotations

from aiohttp import web

from backends.kit.errors import TmfError


class ExistingEntityError(TmfError):
    """A 409 naming the existing entity's id in its message and its href in ``Location``.

    The header survives an idempotent replay: the kit's idempotency store keeps the
    ``Location`` of every answer it stores, refusals included.
    """

    def __init__(self, code: str, message: str, location: str) -> None:
        super().__init__(409, code, "Conflict", message)
        self.location = location

    def response(self) -> web.Response:
        response = super().response()
        response.headers["Location"] = self.location
        return response
