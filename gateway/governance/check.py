"""The CI step (`telecom-gateway schema-check`, `make schema-check`): the working tree's
schema against the last released one.

It fails when a change is not in CHANGELOG.md's unreleased section (a breaking change is
allowed only when listed: that is the team saying it is meant), or when a registered
operation no longer validates (which no changelog entry excuses: a shipped client would
break).
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLSchema

from gateway.governance.changelog import missing_entries, stale_entries
from gateway.governance.diff import Change, SchemaDiff, diff_schemas
from gateway.governance.operations import RegisteredOperation, broken_operations


@dataclass(slots=True)
class CheckReport:
    diff: SchemaDiff
    missing: list[Change]
    broken: list[tuple[RegisteredOperation, list[str]]]
    operations: int
    stale: list[str]

    @property
    def ok(self) -> bool:
        return not self.missing and not self.broken


def check_schema(
    released: GraphQLSchema,
    current: GraphQLSchema,
    changelog: str,
    operations: list[RegisteredOperation],
) -> CheckReport:
    diff = diff_schemas(released, current)
    return CheckReport(
        diff=diff,
        missing=missing_entries(diff.changes(), changelog),
        broken=broken_operations(current, operations),
        operations=len(operations),
        stale=stale_entries(diff.changes(), changelog),
    )


def format_report(report: CheckReport) -> str:
    diff = report.diff
    lines = [
        f"schema: {len(diff.breaking)} breaking, {len(diff.dangerous)} dangerous, "
        f"{len(diff.safe)} safe, {len(diff.deprecated)} newly deprecated "
        "since the released schema",
        f"registered operations: {report.operations - len(report.broken)} of "
        f"{report.operations} validate",
    ]
    if report.missing:
        breaking = [c for c in report.missing if c.kind == "breaking"]
        if breaking:
            lines.append(
                f"{len(breaking)} breaking change(s) not in CHANGELOG.md: a released client "
                "may break. Undo the change, or list it under '## Unreleased' if it is meant:"
            )
        lines.append(
            "missing from CHANGELOG.md's '## Unreleased' (telecom-gateway "
            "schema-changelog prints them):"
        )
        lines.extend(f"  {c.entry}" for c in report.missing)
    if report.stale:
        lines.append("listed under '## Unreleased' but no longer a change (undone?):")
        lines.extend(f"  {line}" for line in report.stale)
    for operation, errors in report.broken:
        lines.append(f"broken operation {operation.name} ({operation.source}):")
        lines.extend(f"  {message}" for message in errors)
    lines.append("schema check passed" if report.ok else "schema check FAILED")
    return "\n".join(lines)
