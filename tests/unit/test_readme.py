"""The README lists every setting, so a new one cannot go undocumented."""

from __future__ import annotations

from pathlib import Path

from gateway.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme() -> None:
    names = ["REDIS_URL" if n == "redis_url" else f"TGW_{n.upper()}" for n in Settings.model_fields]
    missing = [n for n in names if f"`{n}`" not in README]
    assert missing == []


def test_the_readme_opens_with_the_two_commands() -> None:
    first_block = README.split("```")[1]
    assert "make demo" in first_block
    assert "make test" in first_block
