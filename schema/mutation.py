"""The root Mutation: login and linked numbers (actions come with their own issue).

Every result is nullable: an error in one (aliased) mutation field then nulls that field
only, instead of the whole answer and every field after it."""

from __future__ import annotations

import strawberry

from resolvers import linking, login, sessions
from schema.info import Info
from schema.scalars import Msisdn
from schema.session import AuthPayload, CodeSentPayload
from schema.subscriber import LinkedNumber


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Text a one-time login code to the number.")
    async def request_login_code(self, info: Info, msisdn: Msisdn) -> CodeSentPayload | None:
        return CodeSentPayload.from_record(await login.request_login_code(info.context, msisdn))

    @strawberry.mutation(description="Log in with the code from the SMS.")
    async def log_in(self, info: Info, msisdn: Msisdn, code: str) -> AuthPayload | None:
        return AuthPayload(tokens=await login.log_in(info.context, msisdn, code))

    @strawberry.mutation(description="Log in with the permanent password.")
    async def log_in_with_password(
        self, info: Info, msisdn: Msisdn, password: str
    ) -> AuthPayload | None:
        tokens = await login.log_in_with_password(info.context, msisdn, password)
        return AuthPayload(tokens=tokens)

    @strawberry.mutation(description="Trade a refresh token for new tokens (it rotates).")
    async def refresh_session(self, info: Info, refresh_token: str) -> AuthPayload | None:
        return AuthPayload(tokens=await sessions.refresh_session(info.context, refresh_token))

    @strawberry.mutation(description="End the session of this refresh token.")
    async def log_out(self, info: Info, refresh_token: str) -> bool | None:
        return await sessions.log_out(info.context, refresh_token)

    @strawberry.mutation(description="Ask to manage another number: a code goes to it.")
    async def link_number(
        self, info: Info, msisdn: Msisdn, alias: str | None = None
    ) -> CodeSentPayload | None:
        sent = await linking.link_number(info.context, msisdn, alias)
        return CodeSentPayload.from_record(sent)

    @strawberry.mutation(description="Confirm a link with the code the other number received.")
    async def confirm_linked_number(
        self, info: Info, msisdn: Msisdn, code: str
    ) -> LinkedNumber | None:
        view = await linking.confirm_linked_number(info.context, msisdn, code)
        return LinkedNumber(link=view)

    @strawberry.mutation(description="Stop managing a linked number (or drop a pending link).")
    async def unlink_number(self, info: Info, msisdn: Msisdn) -> bool | None:
        return await linking.unlink_number(info.context, msisdn)
