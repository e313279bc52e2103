"""CHANGELOG.md, the schema's changelog: the entries of the unreleased changes.

The file has a `## Unreleased` section; every change between the released schema and the
working tree's must have its entry line (as `schema-changelog` prints it) there, at the
start of a line. Words may follow it (why, what to use instead).
"""

from __future__ import annotations

from collections.abc import Sequence

from gateway.governance.diff import Change

UNRELEASED = "## Unreleased"


class ChangelogError(ValueError):
    pass


def unreleased_lines(text: str) -> list[str]:
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == UNRELEASED)
    except StopIteration:
        raise ChangelogError(f"the changelog has no {UNRELEASED!r} section") from None
    section: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        section.append(line.strip())
    return section


def missing_entries(changes: Sequence[Change], changelog: str) -> list[Change]:
    """The changes whose entry is not in the changelog's unreleased section."""
    section = unreleased_lines(changelog)
    return [c for c in changes if not any(line.startswith(c.entry) for line in section)]


_KINDS = ("- breaking: ", "- dangerous: ", "- safe: ", "- deprecated: ")


def stale_entries(changes: Sequence[Change], changelog: str) -> list[str]:
    """Generated-looking lines under Unreleased that match no current change (a change
    made and undone again): worth a look, not a failure."""
    entries = [c.entry for c in changes]
    return [
        line
        for line in unreleased_lines(changelog)
        if line.startswith(_KINDS) and not any(line.startswith(e) for e in entries)
    ]
