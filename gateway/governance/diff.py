"""The difference between two schemas as clients feel it.

Breaking, dangerous and safe changes are graphql-core's own (`find_schema_changes`,
graphql-core 3.3), not a diff of our own; new deprecations are read off the fields'
`deprecation_reason`. A description's rewording is left out: it changes no client. Each
change has one changelog entry line, which `schema-changelog` prints and `schema-check`
looks for in CHANGELOG.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import GraphQLError, GraphQLSchema, build_schema
from graphql.utilities.find_schema_changes import (
    BreakingChange,
    DangerousChange,
    SafeChangeType,
    find_schema_changes,
)

from gateway.usage import schema_fields


class SchemaFileError(ValueError):
    """A schema that does not parse or build."""


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # breaking, dangerous, safe, deprecated
    type: str  # graphql-core's change type, or DEPRECATED
    description: str

    @property
    def entry(self) -> str:
        """The changelog line for this change."""
        return f"- {self.kind}: {self.type}: {self.description}"


@dataclass(slots=True)
class SchemaDiff:
    breaking: list[Change] = field(default_factory=list)
    dangerous: list[Change] = field(default_factory=list)
    safe: list[Change] = field(default_factory=list)
    deprecated: list[Change] = field(default_factory=list)

    def changes(self) -> list[Change]:
        return [*self.breaking, *self.dangerous, *self.safe, *self.deprecated]


def load_schema(sdl: str, source: str) -> GraphQLSchema:
    try:
        return build_schema(sdl)
    except (GraphQLError, TypeError) as exc:
        raise SchemaFileError(f"{source}: not a valid schema: {exc}") from exc


def diff_schemas(old: GraphQLSchema, new: GraphQLSchema) -> SchemaDiff:
    diff = SchemaDiff()
    for change in find_schema_changes(old, new):
        if isinstance(change, BreakingChange):
            diff.breaking.append(Change("breaking", change.type.name, change.description))
        elif isinstance(change, DangerousChange):
            diff.dangerous.append(Change("dangerous", change.type.name, change.description))
        elif change.type is not SafeChangeType.DESCRIPTION_CHANGED:
            diff.safe.append(Change("safe", change.type.name, change.description))
    before = schema_fields(old)
    for coordinate, reason in schema_fields(new).items():
        if reason is not None and before.get(coordinate) is None:
            diff.deprecated.append(Change("deprecated", "DEPRECATED", f"{coordinate}: {reason}"))
    return diff


def format_diff(diff: SchemaDiff) -> str:
    lines: list[str] = []
    for title, changes in (
        ("Breaking changes", diff.breaking),
        ("Dangerous changes", diff.dangerous),
        ("Safe changes", diff.safe),
        ("Newly deprecated", diff.deprecated),
    ):
        if changes:
            lines.append(f"{title} ({len(changes)}):")
            lines.extend(f"  {c.type}: {c.description}" for c in changes)
    return "\n".join(lines) if lines else "No changes a client can see."
