"""The journeys of issue 14 not walked elsewhere, in Chromium, with axe on every new page state:
submit with attachments on a phone, fix a blocked finding, request changes, reject and withdraw asking
once (with and without JavaScript), a freeze that lists what it will hold, an admin settings change with
a reason, and an auditor's CSV export. (Desktop submit and the three approvals: test_journey.py;
justify a warning: test_journey.py and test_live_checks.py; a policy change with a reason and its
difference: test_compliance.py.)"""
from __future__ import annotations

import csv
import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from reviewq.models import AuditEvent, Draft, Setting
from tests.e2e.axe import axe_source, describe, run_axe
from tests.e2e.world import BLOCK_BODY, build_world, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.commits]  # the live server runs in another thread
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(factory, session):
    return build_world(factory, session)


def assert_axe_clean(page, where: str) -> None:
    found = run_axe(page, axe_source())
    assert found == [], "\n".join(describe(where, found))


def _state(session, draft_id) -> str:
    session.expire_all()
    state = session.get(Draft, draft_id).state
    session.commit()   # end the read: the live server writes next
    return state


def _image(tmp_path, name, colour):
    path = tmp_path / name
    Image.new("RGB", (300, 200), colour).save(path, "PNG")
    return path


def test_author_submits_with_two_attachments_on_a_phone(live_server, new_page, world, session, tmp_path):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(page, live_server, world.users["staff"])
    page.goto(f"{live_server}/drafts/new")
    page.fill("#body", "Our new rooftop garden is open to visitors every afternoon.")
    page.check("input[name=channels][value=instagram]")
    page.set_input_files("input[name='attachments-0-file']", str(_image(tmp_path, "garden.png", (60, 140, 70))))
    page.fill("textarea[name='attachments-0-alt_text']", "The rooftop garden with benches and planters")
    page.click("button[data-add-upload]")              # "Add another file" (JavaScript adds a second row)
    page.set_input_files("input[name='attachments-1-file']", str(_image(tmp_path, "bench.png", (150, 120, 60))))
    page.fill("textarea[name='attachments-1-alt_text']", "A wooden bench beside the lavender")
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_axe_clean(page, "new draft with two files (phone)")
    page.click("button:has-text('Check and submit')")
    page.wait_for_url(re.compile(r".*/drafts/\d+$"))
    assert "Waiting for review" in page.inner_text("h1")
    assert page.locator(".gallery img").count() == 2
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    draft_id = int(page.url.rsplit("/", 1)[1])
    session.expire_all()
    alts = sorted(a.alt_text for a in session.get(Draft, draft_id).attachments)
    session.commit()
    assert alts == ["A wooden bench beside the lavender", "The rooftop garden with benches and planters"]


def test_author_fixes_a_blocked_finding_and_submits(live_server, new_page, world, session):
    d = world.draft_with_block
    page = new_page(viewport=DESKTOP)
    sign_in(page, live_server, world.users["staff"])
    page.goto(f"{live_server}/drafts/{d.id}/edit")
    page.click("button:has-text('Save and submit')")
    page.wait_for_selector("mark.sev-block")
    assert page.inner_text("mark.sev-block") == "John Smith" and "must be fixed" in page.inner_text("main")
    assert _state(session, d.id) == "draft"
    page.fill("#body", BLOCK_BODY.replace("John Smith", "to all our new parents"))
    page.click("button:has-text('Save and submit')")
    page.wait_for_url(re.compile(rf".*/drafts/{d.id}$"))
    assert "Waiting for review" in page.inner_text("h1")
    assert page.locator("mark.sev-block").count() == 0
    assert_axe_clean(page, "draft submitted after the fix")
    assert _state(session, d.id) == "pending_review"


def test_reviewer_requests_changes_with_a_reason(live_server, new_page, world, session):
    d = world.pending
    page = new_page(viewport=DESKTOP)
    sign_in(page, live_server, world.users["reviewer"])
    page.goto(f"{live_server}/drafts/{d.id}")
    assert "outcomes report" in page.inner_text("main")          # the author's justification is shown
    page.click("button[value=request_changes]")                   # no reason: refused, nothing decided
    page.wait_for_selector("#comment[aria-invalid=true]")
    assert_axe_clean(page, "request changes refused without a reason")
    assert _state(session, d.id) == "pending_review"
    page.fill("#comment", "Say 'may help' rather than 'cures', please.")
    page.click("button[value=request_changes]")
    page.wait_for_selector(".flash-success")
    assert "Changes requested" in page.inner_text("h1")
    assert _state(session, d.id) == "changes_requested"


@pytest.mark.parametrize("js", [True, False], ids=["with-js", "without-js"])
def test_reject_asks_once(live_server, new_page, world, session, js):
    d = world.pending
    page = new_page(viewport=DESKTOP, java_script_enabled=js)
    sign_in(page, live_server, world.users["reviewer"])
    page.goto(f"{live_server}/drafts/{d.id}")
    page.fill("#comment", "We cannot claim a cure.")
    assert not page.locator("button[value=reject]").is_visible()
    page.click("summary:has-text('Reject')")                      # opens the question, decides nothing
    assert page.locator("button[value=reject]").is_visible()
    assert "Reject this draft for good?" in page.inner_text(".confirm-panel")
    if js:
        assert_axe_clean(page, "reject confirmation open")
    assert _state(session, d.id) == "pending_review"
    page.click("button:has-text('Yes, reject it')")
    page.wait_for_selector(".flash-success")
    assert "Rejected" in page.inner_text("h1")
    assert _state(session, d.id) == "rejected"


@pytest.mark.parametrize("js", [True, False], ids=["with-js", "without-js"])
def test_withdraw_asks_once(live_server, new_page, world, session, js):
    d = world.pending
    page = new_page(viewport=DESKTOP, java_script_enabled=js)
    sign_in(page, live_server, world.users["staff"])
    page.goto(f"{live_server}/drafts/{d.id}")
    page.click("a:has-text('Withdraw')")
    page.wait_for_url(re.compile(rf".*/drafts/{d.id}/withdraw$"))
    assert f"Withdraw draft #{d.id}?" in page.inner_text("h1")
    if js:
        assert_axe_clean(page, "withdraw confirmation")
    assert _state(session, d.id) == "pending_review"             # asking changed nothing
    page.click("a:has-text('Keep it')")
    page.wait_for_url(re.compile(rf".*/drafts/{d.id}$"))
    assert _state(session, d.id) == "pending_review"
    page.click("a:has-text('Withdraw')")
    page.click("button:has-text('Withdraw draft')")
    page.wait_for_url(re.compile(rf".*/drafts/{d.id}$"))
    assert "Withdrawn" in page.inner_text("h1")
    assert _state(session, d.id) == "withdrawn"


def test_freeze_lists_what_it_will_hold_then_holds_it(live_server, new_page, world, session):
    page = new_page(viewport=DESKTOP)
    sign_in(page, live_server, world.users["comms"])
    page.goto(f"{live_server}/calendar/freeze")
    assert "1 scheduled post" in page.inner_text("#will-hold")
    page.fill("#freeze-reason", "Incident at the main campus")
    page.click("summary:has-text('Freeze all releases')")
    panel = page.inner_text(".confirm-panel")
    assert "Hold 1 scheduled post?" in panel and f"#{world.scheduled.id}" in panel and "Elm Street" in panel
    assert page.locator(f".hold-list a[href='/drafts/{world.scheduled.id}']").count() == 1
    assert_axe_clean(page, "freeze confirmation listing the held posts")
    page.click("button:has-text('Yes, freeze now and hold 1')")
    page.wait_for_selector("text=Crisis freeze is on")
    assert "Incident at the main campus" in page.inner_text("main")
    assert_axe_clean(page, "freeze on")
    page.check("input[name=confirm]")
    page.fill("#lift-reason", "All clear from the press office")
    page.click("button:has-text('Lift the freeze')")
    page.wait_for_url(re.compile(r".*/calendar.*"))
    session.expire_all()
    assert session.get(Setting, "freeze").value["on"] is False
    session.commit()


def test_admin_changes_a_setting_with_a_reason(live_server, new_page, world, session):
    page = new_page(viewport=DESKTOP)
    sign_in(page, live_server, world.users["admin"])
    page.goto(f"{live_server}/admin/settings")
    assert_axe_clean(page, "admin settings")
    page.fill("#privacy_email", "privacy@hospital.example")
    page.click("button:has-text('Save settings')")                 # no reason: refused, nothing saved
    page.wait_for_selector("#error-summary")
    assert page.get_attribute("#reason", "aria-invalid") == "true"
    assert_axe_clean(page, "admin settings refused without a reason")
    page.fill("#reason", "The privacy office wants every consent request")
    page.click("button:has-text('Save settings')")
    page.wait_for_selector("text=Settings saved")
    assert page.input_value("#privacy_email") == "privacy@hospital.example"
    session.expire_all()
    assert session.get(Setting, "privacy_office").value["email"] == "privacy@hospital.example"
    session.commit()


def test_auditor_exports_the_filtered_log_as_csv(live_server, new_page, world, session):
    page = new_page(viewport=DESKTOP, accept_downloads=True)
    sign_in(page, live_server, world.users["auditor"])
    page.goto(f"{live_server}/audit")
    page.check("input[name=family][value=decision]")
    page.click("button:has-text('Filter')")
    page.wait_for_url(re.compile(r".*family=decision.*"))
    assert_axe_clean(page, "audit log filtered to decisions")
    with page.expect_download() as dl:
        page.click("a:has-text('Download CSV')")
    text = open(dl.value.path(), encoding="utf-8").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(r["action"].startswith("decision.") for r in rows)
    assert {r["draft_id"] for r in rows} >= {str(world.scheduled.id), str(world.approved.id)}
    assert [int(r["seq"]) for r in rows] == sorted((int(r["seq"]) for r in rows), reverse=True)
    session.expire_all()
    export = session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.export")).all()
    session.commit()
    assert len(export) == 1 and export[0].actor_id == world.users["auditor"].id
