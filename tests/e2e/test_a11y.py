"""axe-core on every page each role reaches, at desktop and phone widths: zero WCAG 2.1 A/AA violations.

One browser, one sign-in per role; each page is loaded once and checked at
1280×800, then resized to 390×844 and checked again. A failure lists every violation as page, rule id, target.
"""
from __future__ import annotations

import pytest

from tests.e2e.axe import axe_source, describe, run_axe
from tests.e2e.world import ROLES, build_world, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.commits]  # the live server runs in other threads
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def pages_for(role: str, w) -> list[tuple[str, int]]:
    """(path, expected status) of every page the role can reach, plus the error pages it meets."""
    day = w.scheduled.release_at.date().isoformat()
    common = [("/", 200), ("/account/tokens", 200), ("/api/v1/docs", 200), ("/drafts/999999", 404)]
    pending = [(f"/drafts/{w.pending.id}", 200)]
    calendar = [(f"/calendar?view={v}&date={day}", 200) for v in ("month", "week", "agenda")]
    calendar += [("/calendar/freeze", 200), ("/calendar/feed", 200)]
    search = [("/drafts", 200), ("/drafts?q=flu&state=published&from=2026-01-01&to=2026-12-31", 200),
              ("/drafts?from=not-a-date", 400)]
    audit = [("/audit", 200), ("/audit?family=decision&family=draft&signins=1", 200),
             ("/audit?from=2015-01-01&to=2026-01-01", 400)]
    by_role = {
        "staff": [*pending, ("/drafts/new", 200), (f"/drafts/{w.draft_with_block.id}", 200),
                  (f"/drafts/{w.draft_with_block.id}/edit", 200), (f"/drafts/{w.pending.id}/withdraw", 200),
                  (f"/consents/link?draft_id={w.draft_with_block.id}", 200),
                  ("/admin/users", 403), ("/mine", 200), ("/drafts", 403), ("/audit", 403)],
        "reviewer": [*pending, ("/mine", 200), ("/review", 200), ("/drafts/new", 200), *calendar, ("/consents", 403)],
        "legal": [("/review", 200), (f"/drafts/{w.scheduled.id}", 200), *calendar, ("/consents", 200)],
        "comms": [("/review", 200), *calendar, (f"/drafts/{w.scheduled.id}", 200),
                  (f"/drafts/{w.approved.id}", 200), ("/calendar/settings", 200),
                  (f"/calendar/holds/{w.hold_id}/lift", 200), ("/consents", 200), *search],
        "admin": [*pending, ("/admin/users", 200), ("/admin/users/new", 200), (f"/admin/users/{w.users['staff'].id}", 200),
                  ("/admin/settings", 200), ("/admin/policy/", 200), ("/admin/policy/versions", 200), ("/admin/slack", 200), *audit,
                  *search, *calendar],
        "auditor": [*pending, *audit, *search, *calendar, ("/consents", 403)],  # the registry is its keepers' only
    }
    return common + by_role[role]


def both_widths(page, source, where: str) -> list[str]:
    """axe at desktop, then the same document resized to a phone: media queries re-apply without
    a reload (and axe stays injected), which halves the page loads."""
    found = []
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        found += describe(f"{where} ({name})", run_axe(page, source))
    return found


def _refused_draft(page, base, w):
    page.goto(f"{base}/drafts/new")
    page.click("button:has-text('Check and submit')")
    page.wait_for_selector("#error-summary")


def _missing_justification(page, base, w):
    page.goto(f"{base}/drafts/{w.draft_with_block.id}/edit")
    page.fill("#body", "Studies show our new therapy cures back pain.")
    page.click("button:has-text('Save and submit')")
    page.wait_for_selector("textarea[aria-invalid=true]")


def _reject_open(page, base, w):
    page.goto(f"{base}/drafts/{w.pending.id}")
    page.click("summary:has-text('Reject')")


def _freeze_confirm_open(page, base, w):
    page.goto(f"{base}/calendar/freeze")
    page.click("summary:has-text('Freeze all releases')")


def _phone_menu_open(page, base, w):
    page.goto(f"{base}/")
    page.set_viewport_size(PHONE)
    page.click("label.nav-toggle-label")
    page.click(".usermenu summary")


# Pages in a state a plain visit does not show: refused forms, open confirm steps and menus.
STATES = {
    "staff": [("new draft refused", _refused_draft), ("justification missing", _missing_justification),
              ("menus open", _phone_menu_open)],
    "reviewer": [("reject confirm open", _reject_open)],
    "comms": [("freeze confirm open", _freeze_confirm_open)],
}


def test_every_page_of_every_role_has_no_axe_violations(live_server, browser, factory, session):
    source = axe_source()
    w = build_world(factory, session)
    problems, wrong_status, checked = [], [], 0

    ctx = browser.new_context(viewport=DESKTOP)
    page = ctx.new_page()
    page.goto(f"{live_server}/login")
    problems += both_widths(page, source, "anonymous /login")
    page.fill("#email", "nobody@example.org")
    page.click("button:has-text('Sign in')")
    problems += both_widths(page, source, "anonymous /login refused")
    ctx.close()

    for role in ROLES:
        ctx = browser.new_context(viewport=DESKTOP)
        ctx.set_default_timeout(30000)
        page = ctx.new_page()
        sign_in(page, live_server, w.users[role])
        for path, status in pages_for(role, w):
            page.set_viewport_size(DESKTOP)
            resp = page.goto(live_server + path)
            if resp.status != status:
                wrong_status.append(f"{role} {path}: {resp.status}, expected {status}")
                continue
            problems += both_widths(page, source, f"{role} {path}")
            checked += 2
        for where, act in STATES.get(role, ()):
            page.set_viewport_size(DESKTOP)
            act(page, live_server, w)
            problems += both_widths(page, source, f"{role} {where}")
            checked += 2
        ctx.close()

    assert not problems and not wrong_status, (
        f"{len(problems)} axe violations on {checked} page views:\n" + "\n".join(problems + wrong_status))
    assert checked > 100
