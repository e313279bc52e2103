"""The schema check (`schema-check`, run by `make test`): breaking changes fail it unless
CHANGELOG.md lists them, additions do not break, and a registered operation broken by a
change fails it whatever the changelog says. The changes are made to the real
schema.graphql, checked against the web page's real operations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from graphql import GraphQLSchema

from gateway.governance.changelog import ChangelogError, missing_entries
from gateway.governance.check import CheckReport, check_schema, format_report
from gateway.governance.diff import SchemaFileError, diff_schemas, load_schema
from gateway.governance.operations import (
    RegisteredOperation,
    file_operations,
    page_operations,
)
from gateway.persisted import sha256_of

ROOT = Path(__file__).resolve().parents[2]
SDL = (ROOT / "schema.graphql").read_text(encoding="utf-8")
OPEN_CONVERSATIONS = (
    '  """Open conversations, newest activity first (agents)."""\n'
    "  openSupportConversations: [SupportConversation!]!\n"
)
EMPTY_CHANGELOG = "# Schema changelog\n\n## Unreleased\n\n## 2026-01-01\n\n- first\n"


def _changed(old: str, new: str) -> GraphQLSchema:
    assert old in SDL, f"the fixture edit no longer applies: {old!r}"
    return load_schema(SDL.replace(old, new, 1), "changed")


def _check(new: GraphQLSchema, changelog: str = EMPTY_CHANGELOG) -> CheckReport:
    return check_schema(load_schema(SDL, "released"), new, changelog, page_operations())


def _with_entries(report: CheckReport) -> str:
    """The changelog after pasting what `schema-changelog` prints, with a reason."""
    lines = "\n".join(f"{c.entry} Announced to the app teams." for c in report.diff.changes())
    return EMPTY_CHANGELOG.replace("## Unreleased\n", f"## Unreleased\n\n{lines}\n")


def test_the_released_schema_is_the_working_trees_and_the_repository_check_passes() -> None:
    released = (ROOT / "schema" / "released.graphql").read_text(encoding="utf-8")
    report = check_schema(
        load_schema(released, "released"),
        load_schema(SDL, "schema.graphql"),
        (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"),
        page_operations(),
    )
    assert report.ok, format_report(report)
    assert report.operations >= 29


def test_a_removed_field_fails_unless_the_changelog_lists_it() -> None:
    # Agents' dashboards use it; the web page does not, so only the changelog decides.
    new = _changed(OPEN_CONVERSATIONS, "")
    report = _check(new)
    assert [(c.kind, c.type) for c in report.diff.breaking] == [("breaking", "FIELD_REMOVED")]
    assert "Query.openSupportConversations" in report.diff.breaking[0].description
    assert not report.ok
    assert report.missing == report.diff.breaking
    assert "breaking change(s) not in CHANGELOG.md" in format_report(report)
    assert _check(new, _with_entries(report)).ok
    # Undone again, its entry is pointed out (and fails nothing).
    undone = _check(load_schema(SDL, "undone"), _with_entries(report))
    assert undone.ok
    assert undone.stale == [f"{report.diff.breaking[0].entry} Announced to the app teams."]
    assert "no longer a change" in format_report(undone)


def test_a_new_required_argument_fails() -> None:
    new = _changed("  orders: [Order!]\n", "  orders(since: Date!): [Order!]\n")
    report = _check(new)
    assert [c.type for c in report.diff.breaking] == ["REQUIRED_ARG_ADDED"]
    assert not report.ok


def test_a_removed_enum_value_fails() -> None:
    new = _changed("  CASHBACK\n  GIFT\n}", "  CASHBACK\n}")
    report = _check(new)
    assert [c.type for c in report.diff.breaking] == ["VALUE_REMOVED_FROM_ENUM"]
    assert "OfferKind.GIFT" in report.diff.breaking[0].description
    assert not report.ok
    assert report.broken == []
    assert _check(new, _with_entries(report)).ok


def test_an_added_optional_field_or_argument_breaks_nothing() -> None:
    new_sdl = SDL.replace("  region: String\n", "  region: String\n  email: String\n", 1)
    new_sdl = new_sdl.replace(
        "  tariffs: [Tariff!]!\n", "  tariffs(configurable: Boolean = null): [Tariff!]!\n", 1
    )
    new = load_schema(new_sdl, "changed")
    report = _check(new)
    assert report.diff.breaking == []
    assert report.broken == []
    assert {c.type for c in report.diff.changes()} == {"FIELD_ADDED", "OPTIONAL_ARG_ADDED"}
    # Not breaking, and still a change clients can see: its generated entry is expected.
    assert sorted(c.kind for c in report.missing) == ["dangerous", "safe"]
    assert "breaking change(s)" not in format_report(report)
    assert _check(new, _with_entries(report)).ok


def test_a_registered_operation_broken_by_a_change_fails_even_when_listed() -> None:
    # The page's Catalog asks for tariffs with no argument.
    new = _changed("  tariffs: [Tariff!]!\n", "  tariffs(channel: String!): [Tariff!]!\n")
    report = _check(new)
    report = _check(new, _with_entries(report))
    assert report.missing == []
    assert [op.name for op, _ in report.broken] == ["Catalog"]
    assert "channel" in report.broken[0][1][0]
    assert not report.ok
    assert "broken operation Catalog (web page)" in format_report(report)


def _manifest(tmp_path: Path, body: str) -> Path:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        '{"format": "apollo-persisted-query-manifest", "version": 1, "operations": '
        f'[{{"id": "{sha256_of(body)}", "name": "Dashboard", "type": "query", '
        f'"body": "{body}"}}]}}',
        encoding="utf-8",
    )
    return manifest


def test_an_allow_list_files_operations_are_checked_too(tmp_path: Path) -> None:
    body = "query Dashboard { openSupportConversations { id status } }"
    manifest = _manifest(tmp_path, body)
    operations = file_operations(manifest)
    assert operations == [RegisteredOperation("manifest.json", "Dashboard", body)]
    new = _changed(OPEN_CONVERSATIONS, "")
    report = check_schema(load_schema(SDL, "released"), new, EMPTY_CHANGELOG, operations)
    assert [op.name for op, _ in report.broken] == ["Dashboard"]


def test_entries_are_looked_for_under_unreleased_only() -> None:
    diff = diff_schemas(load_schema(SDL, "old"), _changed("  CASHBACK\n  GIFT\n}", "  CASHBACK\n}"))
    entry = diff.breaking[0].entry
    released_only = EMPTY_CHANGELOG + f"{entry}\n"
    assert missing_entries(diff.changes(), released_only) == diff.breaking
    with pytest.raises(ChangelogError, match="Unreleased"):
        missing_entries(diff.changes(), "# no sections\n")


def test_a_schema_that_does_not_build_is_a_clear_error() -> None:
    with pytest.raises(SchemaFileError, match=r"broken\.graphql: not a valid schema"):
        load_schema("type Query { a: Missing }", "broken.graphql")


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "gateway", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_commands_exit_non_zero_on_what_they_refuse(tmp_path: Path) -> None:
    new = tmp_path / "new.graphql"
    new.write_text(SDL.replace("  CASHBACK\n  GIFT\n}", "  CASHBACK\n}"), encoding="utf-8")
    diff = _cli("schema-diff", "schema.graphql", str(new))
    assert diff.returncode == 1, diff.stderr
    assert "VALUE_REMOVED_FROM_ENUM: Enum value OfferKind.GIFT was removed." in diff.stdout

    changelog = _cli("schema-changelog", "--schema", str(new))
    assert changelog.returncode == 0
    # Besides whatever the working tree has not released yet, the removal and only it.
    pending = set(_cli("schema-changelog").stdout.splitlines())
    assert set(changelog.stdout.splitlines()) - pending == {
        "- breaking: VALUE_REMOVED_FROM_ENUM: Enum value OfferKind.GIFT was removed."
    }
    check = _cli("schema-check", "--schema", str(new))
    assert check.returncode == 1
    assert "schema check FAILED" in check.stdout

    missing = _cli("schema-diff", "schema.graphql", str(tmp_path / "absent.graphql"))
    assert missing.returncode == 2
    assert "absent.graphql" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_the_deployments_allow_list_is_checked_by_the_command(tmp_path: Path) -> None:
    manifest = _manifest(tmp_path, "query Dashboard { openSupportConversations { id status } }")
    new = tmp_path / "new.graphql"
    new.write_text(SDL.replace(OPEN_CONVERSATIONS, ""), encoding="utf-8")
    listed = tmp_path / "CHANGELOG.md"
    entries = _cli("schema-changelog", "--schema", str(new)).stdout
    listed.write_text(EMPTY_CHANGELOG.replace("## Unreleased\n", f"## Unreleased\n{entries}"))
    check = _cli(
        "schema-check",
        "--schema",
        str(new),
        "--changelog",
        str(listed),
        env={"TGW_OPERATIONS_FILE": str(manifest)},
    )
    assert check.returncode == 1
    assert "broken operation Dashboard (manifest.json)" in check.stdout
    assert "missing from CHANGELOG.md" not in check.stdout
