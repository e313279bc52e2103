"""Linking other numbers to an account: a code to the other number, then a permission
(TMF672) in provisioning. Pending links live in the security store until confirmed."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.provisioning.records import LinkRecord
from resolvers.access import reach_own
from resolvers.context import Context
from resolvers.errors import (
    AlreadyLinkedError,
    InvalidInputError,
    LinkLimitError,
    NotFoundError,
    NotOperatorNumberError,
)
from resolvers.limits import DAY, Budget
from resolvers.login import CodeSent, check_code, code_budgets, send_code

LINK = "link"
MAX_ALIAS = 40


@dataclass(frozen=True, slots=True)
class LinkView:
    msisdn: str
    alias: str | None
    confirmed: bool
    link: LinkRecord | None


def _key(owner: str, target: str) -> str:
    return f"{LINK}:{owner}:{target}"


async def link_number(ctx: Context, msisdn: str, alias: str | None) -> CodeSent:
    owner = reach_own(ctx).msisdn
    if msisdn == owner:
        raise InvalidInputError("this is your own number")
    if alias is not None and len(alias) > MAX_ALIAS:
        raise InvalidInputError(f"an alias has at most {MAX_ALIAS} characters")
    rules = ctx.rules
    confirmed = await ctx.loaders.links_by_owner.load(owner)
    if any(link.msisdn == msisdn for link in confirmed):
        raise AlreadyLinkedError("this number is already linked")
    pending = await ctx.ports.security.pending(owner)
    if len(confirmed) + len(set(pending) - {msisdn}) >= rules.max_linked_numbers:
        raise LinkLimitError(f"at most {rules.max_linked_numbers} linked numbers")
    if await ctx.loaders.customer_by_msisdn.load(msisdn) is None:
        raise NotOperatorNumberError("only numbers of this operator can be linked")
    sent = await send_code(
        ctx,
        LINK,
        _key(owner, msisdn),
        f"{owner}>{msisdn}",
        msisdn,
        f"Номер {owner} просит доступ к управлению вашим номером. Код: {{code}}",
        # The SMS counts against the number it goes to, whoever asks: five accounts asking
        # for one number share its cap, they do not get five.
        [
            Budget(f"links:owner:{owner}", rules.codes_per_number_per_day, DAY, "link codes"),
            *code_budgets(ctx, msisdn),
        ],
    )
    await ctx.ports.security.put_pending(owner, msisdn, alias, ctx.rules.code_ttl)
    await _pending_changed(ctx, owner)
    return sent


async def confirm_linked_number(ctx: Context, msisdn: str, code: str) -> LinkView:
    owner = reach_own(ctx).msisdn
    await check_code(ctx, LINK, _key(owner, msisdn), f"{owner}>{msisdn}", code)
    alias = (await ctx.ports.security.pending(owner)).get(msisdn)
    link = await ctx.ports.provisioning.create_link(owner, msisdn, alias)
    await ctx.ports.security.drop_pending(owner, msisdn)
    await _pending_changed(ctx, owner)
    ctx.loaders.links_by_owner.clear(owner)
    return LinkView(link.msisdn, link.alias, True, link)


async def unlink_number(ctx: Context, msisdn: str) -> bool:
    owner = reach_own(ctx).msisdn
    links = await ctx.loaders.links_by_owner.load(owner)
    found = [link for link in links if link.msisdn == msisdn]
    pending = await ctx.ports.security.pending(owner)
    if not found and msisdn not in pending:
        raise NotFoundError("this number is not linked")
    for link in found:
        await ctx.ports.provisioning.delete_link(link)
    await ctx.ports.security.drop_pending(owner, msisdn)
    await _pending_changed(ctx, owner)
    ctx.loaders.links_by_owner.clear(owner)
    return True


async def _pending_changed(ctx: Context, owner: str) -> None:
    """The owner's linked numbers now read otherwise: drop what holds the old list."""
    ctx.loaders.pending_by_owner.clear(owner)
    if ctx.ports.answers is not None:
        await ctx.ports.answers.forget([owner])
