"""Answers from the usage store: who used a coordinate, how often and when last, and
which deprecated fields nobody used for N days (and so may go)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from adapters.clock import format_timestamp
from adapters.usage.port import ClientUsage, UsageStore


def days_back(today: date, days: int) -> list[date]:
    """The last `days` days, today included."""
    return [today - timedelta(days=n) for n in range(days)]


@dataclass(slots=True)
class DeprecatedUse:
    coordinate: str
    reason: str
    clients: list[ClientUsage]


async def deprecated_use(
    store: UsageStore, deprecated: Mapping[str, str], today: date, days: int
) -> list[DeprecatedUse]:
    window = days_back(today, days)
    return [
        DeprecatedUse(coordinate, reason, await store.read(coordinate, window))
        for coordinate, reason in sorted(deprecated.items())
    ]


def format_usage(coordinate: str, usages: list[ClientUsage], days: int) -> str:
    if not usages:
        return f"{coordinate}: no use in the last {days} days"
    total = sum(u.count for u in usages)
    lines = [f"{coordinate}: {total} uses in the last {days} days", _row("client", "uses", "last")]
    for usage in usages:
        seen = usage.last_seen
        # Seen times are those of the flushes: to the second is all they can tell.
        last = format_timestamp(seen.replace(microsecond=0)) if seen else "-"
        lines.append(_row(usage.client.label, str(usage.count), last))
    return "\n".join(lines)


def format_deprecated(uses: list[DeprecatedUse], days: int) -> str:
    if not uses:
        return "No deprecated fields."
    lines = [f"Deprecated fields, their use in the last {days} days:"]
    for use in uses:
        if not use.clients:
            lines.append(f"  {use.coordinate}: no use in {days} days: may go")
            continue
        who = ", ".join(f"{u.client.label} ({u.count})" for u in use.clients)
        lines.append(f"  {use.coordinate}: still used by {who}")
    return "\n".join(lines)


def _row(client: str, uses: str, last: str) -> str:
    return f"  {client:<32} {uses:>8}  {last}"
