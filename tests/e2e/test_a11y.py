"""axe-core on every page each role reaches, at desktop and phone widths: zero WCAG 2.1 A/AA violations.

One browser, one sign-in per role; each page is checked at 1280×800, then the
same page at 390×844. A failure lists every violation as page, rule id, target.
"""
from __future__ import annotations

import pytest

from tests.e2e.axe import axe_source, describe, run_axe
from tests.e2e.world import ROLES, build_world, sign_in

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def pages_for(role: str, w) -> list[tuple[str, int]]:
    """(path, expected status) of every page the role can reach, plus the error pages it meets."""
    day = w.scheduled.release_at.date().isoformat()
    common = [("/", 200), ("/account/tokens", 200), ("/api/v1/docs", 200), ("/drafts/999999", 404)]
    pending = [(f"/drafts/{w.pending.id}", 200)]
    calendar = [(f"/calendar?view={v}&date={day}", 200) for v in ("month", "week", "agenda")]
    calendar += [("/calendar/freeze", 200), ("/calendar/feed", 200)]
    by_role = {
        "staff": [*pending, ("/drafts/new", 200), (f"/drafts/{w.draft_with_block.id}", 200),
                  (f"/drafts/{w.draft_with_block.id}/edit", 200), (f"/drafts/{w.pending.id}/withdraw", 200),
                  (f"/consents/link?draft_id={w.draft_with_block.id}", 200),
                  ("/admin/users", 403)],
        "reviewer": [*pending, ("/review", 200), ("/drafts/new", 200), *calendar, ("/consents", 200)],
        "legal": [("/review", 200), (f"/drafts/{w.scheduled.id}", 200), *calendar, ("/consents", 200)],
        "comms": [("/review", 200), *calendar, (f"/drafts/{w.scheduled.id}", 200),
                  (f"/drafts/{w.approved.id}", 200), ("/calendar/settings", 200),
                  (f"/calendar/holds/{w.hold_id}/lift", 200), ("/consents", 200)],
        "admin": [*pending, ("/admin/users", 200), ("/admin/users/new", 200), (f"/admin/users/{w.users['staff'].id}", 200),
                  ("/admin/settings", 200), ("/admin/policy/", 200), ("/admin/slack", 200), ("/audit", 200),
                  *calendar],
        "auditor": [*pending, ("/audit", 200), *calendar, ("/consents", 200)],
    }
    return common + by_role[role]


def test_every_page_of_every_role_has_no_axe_violations(live_server, browser, factory, session):
    source = axe_source()
    w = build_world(factory, session)
    problems, wrong_status, checked = [], [], 0

    ctx = browser.new_context(viewport=DESKTOP)
    page = ctx.new_page()
    page.goto(f"{live_server}/login")
    problems += describe("anonymous /login", run_axe(page, source))
    ctx.close()

    for role in ROLES:
        ctx = browser.new_context(viewport=DESKTOP)
        ctx.set_default_timeout(15000)
        page = ctx.new_page()
        sign_in(page, live_server, w.users[role])
        for path, status in pages_for(role, w):
            for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
                page.set_viewport_size(size)
                resp = page.goto(live_server + path)
                if resp.status != status:
                    wrong_status.append(f"{role} {path}: {resp.status}, expected {status}")
                    break
                problems += describe(f"{role} {name} {path}", run_axe(page, source))
                checked += 1
            page.set_viewport_size(DESKTOP)
        ctx.close()

    assert not problems and not wrong_status, (
        f"{len(problems)} axe violations on {checked} page views:\n" + "\n".join(problems + wrong_status))
    assert checked > 100
