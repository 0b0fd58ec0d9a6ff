"""axe-core in Playwright pages: find the pinned copy, inject it, run it, format what it finds.

axe-core comes from npm (tests/e2e/package.json and its lock file; `tests/run`
installs it with `npm ci` into tests/e2e/node_modules). It is injected from
that file, never from a CDN. Without it the accessibility tests skip with the
reason, unless REVIEWQ_REQUIRE_E2E=1 (CI) makes that a failure.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_source() -> str:
    if not AXE_JS.exists():
        reason = f"{AXE_JS} is missing (cd tests/e2e && npm ci)"
        if os.environ.get("REVIEWQ_REQUIRE_E2E") == "1":
            pytest.fail(f"accessibility tests required but {reason}")
        pytest.skip(reason)
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page, source: str) -> list[dict]:
    """The WCAG 2.0/2.1 A and AA violations on the page as it is now."""
    # add_script_tag would be refused by the CSP (script-src 'self'); evaluate is not.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
                 .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                     targets: v.nodes.map(n => n.target.join(' ')),
                     summaries: v.nodes.map(n => n.failureSummary)})))""",
        WCAG_AA)


def describe(where: str, violations: list[dict]) -> list[str]:
    lines = []
    for v in violations:
        for target, summary in zip(v["targets"], v["summaries"]):
            why = " ".join((summary or "").split())[:220]
            lines.append(f"{where}: {v['id']} ({v['impact']}) at {target} — {why}")
    return lines
