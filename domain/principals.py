"""Who is asking: a subscriber (their own number) or an agent of the internal dashboards."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SubscriberPrincipal:
    msisdn: str

    @property
    def kind(self) -> str:
        return "subscriber"


@dataclass(frozen=True, slots=True)
class AgentPrincipal:
    name: str

    @property
    def kind(self) -> str:
        return "agent"


Principal = SubscriberPrincipal | AgentPrincipal
