"""The schema commands of `telecom-gateway`: schema-diff, schema-changelog, schema-check
and usage. Paths default to the repository's layout (run from its root, as make does)."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from adapters.clock import SystemClock
from adapters.usage.port import UsageStore
from adapters.usage.redis_store import RedisUsageStore
from gateway.governance.changelog import ChangelogError
from gateway.governance.check import check_schema, format_report
from gateway.governance.diff import SchemaFileError, diff_schemas, format_diff, load_schema
from gateway.governance.operations import RegisteredOperation, file_operations, page_operations
from gateway.governance.usage_report import (
    days_back,
    deprecated_use,
    format_deprecated,
    format_usage,
)
from gateway.operations_file import OperationsFileError
from gateway.settings import Settings
from gateway.usage import schema_fields

RELEASED = "schema/released.graphql"
CURRENT = "schema.graphql"
CHANGELOG = "CHANGELOG.md"
_COORDINATE = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*\.[_A-Za-z][_0-9A-Za-z]*$")
NAMES = ("schema-diff", "schema-changelog", "schema-check", "usage")


def add_commands(commands: Any) -> None:
    diff = commands.add_parser("schema-diff", help="what a schema change does to clients")
    diff.add_argument("old", help="the schema clients have (SDL file)")
    diff.add_argument("new", help="the schema to ship (SDL file)")
    diff.add_argument(
        "--unused-days", type=int, default=30, help="deprecated fields unused this long may go"
    )

    changelog = commands.add_parser(
        "schema-changelog", help="the CHANGELOG.md entries of the unreleased schema changes"
    )
    changelog.add_argument("--released", default=RELEASED)
    changelog.add_argument("--schema", default=CURRENT)

    check = commands.add_parser(
        "schema-check", help="CI: changes listed in CHANGELOG.md, registered operations valid"
    )
    check.add_argument("--released", default=RELEASED)
    check.add_argument("--schema", default=CURRENT)
    check.add_argument("--changelog", default=CHANGELOG)
    check.add_argument(
        "--operations",
        action="append",
        default=[],
        help="an operations file (repeatable); TGW_OPERATIONS_FILE is checked too",
    )

    usage = commands.add_parser("usage", help="who used a field (Type.field), when, how often")
    usage.add_argument("coordinate", help="Type.field")
    usage.add_argument("--days", type=int, default=30)


def run(args: argparse.Namespace) -> int:
    days = getattr(args, "days", getattr(args, "unused_days", 1))
    if days < 1:
        print("days must be 1 or more", file=sys.stderr)
        return 2
    kept = Settings().usage_retention_days
    if args.command in ("usage", "schema-diff") and days > kept:
        # Counts older than the retention window are gone: say so rather than under-count.
        print(f"note: usage is kept {kept} days (TGW_USAGE_RETENTION_DAYS)", file=sys.stderr)
    try:
        if args.command == "schema-diff":
            return _diff(args)
        if args.command == "schema-changelog":
            return _changelog(args)
        if args.command == "schema-check":
            return _check(args)
        return asyncio.run(_usage(args))
    except (OSError, SchemaFileError, ChangelogError, OperationsFileError) as exc:
        print(exc, file=sys.stderr)
        return 2


def _schema(path: str) -> Any:
    return load_schema(Path(path).read_text(encoding="utf-8"), path)


def _diff(args: argparse.Namespace) -> int:
    old, new = _schema(args.old), _schema(args.new)
    diff = diff_schemas(old, new)
    print(format_diff(diff))
    deprecated = {c: r for c, r in schema_fields(new).items() if r is not None}
    if deprecated:
        print()
        print(asyncio.run(_deprecated_report(deprecated, args.unused_days)))
    return 1 if diff.breaking else 0


async def _deprecated_report(deprecated: dict[str, str], days: int) -> str:
    async with _store() as store:
        if store is None:
            names = ", ".join(sorted(deprecated))
            return f"Deprecated: {names}; their use is unknown (set REDIS_URL to read it)"
        today = SystemClock().now().date()
        return format_deprecated(await deprecated_use(store, deprecated, today, days), days)


def _changelog(args: argparse.Namespace) -> int:
    diff = diff_schemas(_schema(args.released), _schema(args.schema))
    for change in diff.changes():
        print(change.entry)
    return 0


def _check(args: argparse.Namespace) -> int:
    operations: list[RegisteredOperation] = page_operations()
    configured = Settings().operations_file  # the allow-list this deployment registers
    for file in [*args.operations, *([configured] if configured else [])]:
        operations += file_operations(Path(file))
    report = check_schema(
        _schema(args.released),
        _schema(args.schema),
        Path(args.changelog).read_text(encoding="utf-8"),
        operations,
    )
    print(format_report(report))
    return 0 if report.ok else 1


async def _usage(args: argparse.Namespace) -> int:
    if not _COORDINATE.match(args.coordinate):
        print(f"{args.coordinate!r} is not a schema coordinate (Type.field)", file=sys.stderr)
        return 2
    async with _store() as store:
        if store is None:
            print("set REDIS_URL: usage is kept in Redis by the gateway", file=sys.stderr)
            return 2
        window = days_back(SystemClock().now().date(), args.days)
        print(format_usage(args.coordinate, await store.read(args.coordinate, window), args.days))
    return 0


@asynccontextmanager
async def _store() -> AsyncIterator[UsageStore | None]:
    """The usage store of the configured Redis, or None without one."""
    from gateway.redis_clients import connect_redis

    settings = Settings()
    redis = connect_redis(settings)
    if redis is None:
        yield None
        return
    try:
        yield RedisUsageStore(redis, settings.cache_namespace, settings.usage_retention_days)
    finally:
        await redis.aclose()
