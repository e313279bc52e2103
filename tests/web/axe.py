"""axe-core run inside the page under test, failing on serious and critical violations.

The script is vendored (tests/web/vendor/axe-core/, from the npm registry) and evaluated
through the DevTools protocol, which the page's CSP (`script-src 'self'`) does not govern:
the page itself is tested as it ships, CSP included.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from playwright.async_api import Page

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
FAILING = ("serious", "critical")


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


async def violations(page: Page) -> list[dict[str, Any]]:
    """Every violation axe finds on the page as it is now, with the nodes it concerns."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(_source())
    found: list[dict[str, Any]] = await page.evaluate(
        """async () => {
          const result = await axe.run(document, { resultTypes: ["violations"] });
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
          }));
        }"""
    )
    return found


async def assert_no_serious_violations(page: Page, where: str) -> None:
    serious = [v for v in await violations(page) if v["impact"] in FAILING]
    assert serious == [], f"{where}: " + json.dumps(serious, ensure_ascii=False, indent=1)
