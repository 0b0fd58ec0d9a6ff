"""README screenshots of the main pages, taken from the browser suite's demo organisation.

    python3 tests/e2e/screenshots.py            # writes docs/screenshots/*.png

It runs itself under pytest (this file is not collected by the normal run) so it
gets the same live server, database and Chromium as tests/e2e. PNGs are
palette-quantised to keep them small.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("REVIEWQ_SCREENSHOTS_DIR", REPO / "docs" / "screenshots"))
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def shots_for(w) -> list[tuple[str, str, str, dict]]:
    """(file name, role, path, viewport)."""
    day = w.scheduled.release_at.date().isoformat()
    return [
        ("home", "staff", "/", DESKTOP),
        ("new-draft", "staff", "/drafts/new", DESKTOP),
        ("draft-findings", "staff", f"/drafts/{w.draft_with_block.id}/edit", DESKTOP),
        ("review-queue", "reviewer", "/review", DESKTOP),
        ("review-decision", "reviewer", f"/drafts/{w.pending.id}", DESKTOP),
        ("calendar-month", "comms", f"/calendar?view=month&date={day}", DESKTOP),
        ("calendar-agenda-phone", "comms", f"/calendar?view=agenda&date={day}", PHONE),
        ("freeze", "comms", "/calendar/freeze", DESKTOP),
        ("admin-users", "admin", "/admin/users", DESKTOP),
        ("audit", "auditor", "/audit", DESKTOP),
        ("drafts-search", "auditor", "/drafts?q=clinic", DESKTOP),
        ("admin-settings", "admin", "/admin/settings", DESKTOP),
        ("policy", "admin", "/admin/policy/", DESKTOP),
        ("new-draft-phone", "staff", "/drafts/new", PHONE),
    ]


def _small_png(path: Path) -> None:
    from PIL import Image
    with Image.open(path) as im:
        im.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


@pytest.mark.e2e
def test_take_screenshots(live_server, browser, factory, session):
    from tests.e2e.world import build_world, sign_in
    w = build_world(factory, session)
    OUT.mkdir(parents=True, exist_ok=True)
    pages = {}
    for name, role, path, viewport in shots_for(w):
        if role not in pages:
            pages[role] = browser.new_context(viewport=DESKTOP).new_page()
            sign_in(pages[role], live_server, w.users[role])
        page = pages[role]
        page.set_viewport_size(viewport)
        page.goto(live_server + path)
        target = OUT / f"{name}.png"
        page.screenshot(path=str(target), full_page=viewport is PHONE)
        _small_png(target)
        print(f"wrote {target.relative_to(REPO) if target.is_relative_to(REPO) else target}")
    for page in pages.values():
        page.context.close()


if __name__ == "__main__":
    os.chdir(REPO)
    sys.exit(pytest.main(["-p", "no:cacheprovider", "-q", "-s", str(Path(__file__)), *sys.argv[1:]]))
