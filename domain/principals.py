"""Who is asking: a subscriber (their own number) or an agent of the internal dashboards,
with the agent's roles at the support desk."""

from __future__ import annotations

from dataclasses import dataclass, field

# Reads any number and answers chats.
AGENT = "agent"
# An agent who also reads the audit log.
SUPERVISOR = "supervisor"
ROLES = frozenset({AGENT, SUPERVISOR})


@dataclass(frozen=True, slots=True)
class SubscriberPrincipal:
    msisdn: str

    @property
    def kind(self) -> str:
        return "subscriber"


@dataclass(frozen=True, slots=True)
class AgentPrincipal:
    name: str
    roles: frozenset[str] = field(default=frozenset({AGENT}))

    @property
    def kind(self) -> str:
        return "agent"

    @property
    def supervisor(self) -> bool:
        return SUPERVISOR in self.roles


Principal = SubscriberPrincipal | AgentPrincipal
