"""Who wrote a note: the conversation's subscriber (the MSISDN), an agent
(``agent:<name>``) or the support system itself (``system``, which no client may
claim: its notes record what the system did, such as opening a ticket)."""

from __future__ import annotations

from backends.kit.errors import invalid

INVALID_AUTHOR = "INVALID_AUTHOR"
SYSTEM = "system"
AGENT_PREFIX = "agent:"
MAX_AGENT_NAME_LENGTH = 64


def agent(name: str) -> str:
    return f"{AGENT_PREFIX}{name}"


def is_agent(author: str) -> bool:
    return author.startswith(AGENT_PREFIX)


def checked_author(author: str, msisdn: str) -> str:
    """``author`` if a client may write as it in ``msisdn``'s conversation, else a 400.

    A subscriber writes only in their own conversation; any agent may write in any.
    """
    author = author.strip()
    if author == msisdn:
        return author
    if is_agent(author):
        name = author.removeprefix(AGENT_PREFIX).strip()
        if not name or len(name) > MAX_AGENT_NAME_LENGTH or not name.isprintable():
            raise invalid(
                INVALID_AUTHOR,
                f"an agent author is 'agent:<name>', the name 1 to "
                f"{MAX_AGENT_NAME_LENGTH} printable characters, not {author!r}",
            )
        return agent(name)
    if author == SYSTEM:
        raise invalid(INVALID_AUTHOR, "'system' notes are written by the support system only")
    raise invalid(
        INVALID_AUTHOR,
        f"the author must be the conversation's subscriber {msisdn} or 'agent:<name>', "
        f"not {author!r}",
    )
