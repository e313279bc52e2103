"""The domain core's one rule that import-linter cannot say: a `Reach` (the proof that a
principal may read a number) is granted by resolvers/access.py and nowhere else."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GRANTOR = ROOT / "resolvers" / "access.py"
PRODUCT = ("gateway", "schema", "resolvers", "adapters", "domain")


def _constructions(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "Reach")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "Reach")
        )
    ]


def test_only_the_access_module_grants_reach() -> None:
    forged = {
        f"{path.relative_to(ROOT)}:{line}"
        for package in PRODUCT
        for path in (ROOT / package).rglob("*.py")
        if path != GRANTOR
        for line in _constructions(path)
    }
    assert forged == set()
    assert _constructions(GRANTOR), "the access module is where a Reach is made"


def test_the_check_sees_a_forged_reach(tmp_path: Path) -> None:
    forger = tmp_path / "forger.py"
    forger.write_text("from domain.reach import Reach\nr = Reach('+79000000001', None)\n")
    assert _constructions(forger) == [2]
