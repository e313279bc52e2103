"""schema.graphql is generated from the code; this fails when the two differ."""

from __future__ import annotations

from pathlib import Path

from schema.build import export_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_file_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == export_sdl(), (
        "schema.graphql is out of date: run `make schema`"
    )
