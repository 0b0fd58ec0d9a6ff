"""The compliance record in a real browser: an auditor finds a published post (released by the real
worker through the outbox publisher) by a word of its text and downloads its evidence pack, which `reviewq audit verify --pack` confirms; an admin changes the policy with a
reason and reads the difference between versions. axe finds nothing on the new pages."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile

from datetime import timedelta

import pytest

from reviewq.clock import now_utc
from reviewq.releases.operations import schedule_release
from tests.conftest import AUDIT_KEY
from tests.e2e.axe import axe_source, run_axe
from tests.e2e.test_journey import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.commits]  # the live server runs in another thread


def _cli(settings, *args, timeout=120):
    env = {**os.environ, "REVIEWQ_DATABASE_URL": settings.database_url, "PYTHONPATH": os.getcwd(),
           "REVIEWQ_INSTANCE_DIR": str(settings.instance_dir), "REVIEWQ_AUDIT_KEY": AUDIT_KEY,
           "REVIEWQ_OUTBOX_DIR": str(settings.outbox_dir)}
    env.pop("REVIEWQ_PUBLISH_WEBHOOK_URL", None)
    return subprocess.run([sys.executable, "-m", "reviewq", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_auditor_finds_a_published_post_and_downloads_a_pack_that_verifies(live_server, new_page, factory,
                                                                            session, tmp_path, settings):
    team = factory.approvers()
    d = factory.approved_draft(approvers=team,
                               body="Our marigold garden opens for patients and families this Saturday.")
    factory.approved_draft(approvers=team, body="Visiting hours change on Monday: 9 am to 8 pm.")
    now = now_utc()
    schedule_release(session, team["comms"], d.id, release_at=now + timedelta(minutes=1), now=now)
    auditor = factory.user("auditor", name="Audrey Auditor")
    session.commit()
    # Released by the real worker, in its own process, as if two minutes had passed: the outbox publisher.
    r = _cli(settings, "worker", "--once", "--now", (now + timedelta(minutes=2)).isoformat())
    assert r.returncode == 0 and "releases=1" in r.stdout, r.stdout + r.stderr
    [out] = list(settings.outbox_dir.glob("*.json"))
    assert json.loads(out.read_text())["draft_id"] == d.id

    page = new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, auditor)
    page.goto(f"{live_server}/drafts")
    page.fill("#search-q", "marigold")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*q=marigold.*"))
    rows = page.locator("main a[href*='/drafts/']")
    assert {h for h in rows.evaluate_all("els => els.map(e => e.getAttribute('href'))")
            if re.search(r"/drafts/\d+$", h)} == {f"/drafts/{d.id}"}      # only the post with that word
    page.click(f"a[href$='/drafts/{d.id}']")
    page.wait_for_url(re.compile(rf".*/drafts/{d.id}$"))
    main = page.inner_text("main")
    assert "Published" in main and "policy" in main
    assert run_axe(page, axe_source()) == []
    with page.expect_download() as dl:
        page.click("text=Download evidence pack")
    path = tmp_path / "pack.zip"
    dl.value.save_as(path)
    with zipfile.ZipFile(path) as z:
        rec = json.loads(z.read("record.json"))
        assert z.read("evidence.pdf").startswith(b"%PDF-")
    assert rec["draft_id"] == d.id and {x["stage"] for x in rec["decisions"]} == {"review", "legal", "comms"}
    release = rec["release"]
    assert release["published_at"] and [a["outcome"] for a in release["attempts"]] == ["published"]
    assert release["attempts"][0]["idempotency_key"] and out.name.startswith(release["attempts"][0]["idempotency_key"])
    r = _cli(settings, "audit", "verify", "--pack", str(path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "evidence pack intact" in r.stdout + r.stderr


def test_admin_changes_a_setting_with_a_reason_and_sees_the_difference(live_server, new_page, factory, session):
    admin = factory.user("admin", name="Ada Admin")
    session.commit()
    page = new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, admin)
    page.goto(f"{live_server}/admin/policy/")
    assert run_axe(page, axe_source()) == []
    page.fill("#org_names", "Willow Creek Hospital")
    page.fill("#reason", "Our own name must not be flagged")
    page.click("button:has-text('Save policy')")
    page.wait_for_selector("text=Policy saved as a new version")
    page.fill("#org_names", "Willow Creek Hospital\nEast Clinic")
    page.fill("#limit_x", "250")
    page.click("button:has-text('Save policy')")   # no reason: the browser refuses (the server would too)
    assert page.evaluate("document.querySelector('#reason').validity.valueMissing")
    assert "/admin/policy/" in page.url
    page.fill("#reason", "The East Clinic joined")
    page.click("button:has-text('Save policy')")
    page.wait_for_selector("text=Policy saved as a new version")
    page.click("text=Versions and differences")
    page.wait_for_url(re.compile(r".*/admin/policy/versions.*"))
    diff = page.text_content("section[aria-labelledby=diff-title]")
    assert "org_names" in diff and "East Clinic" in diff and "x: 250" in diff and "The East Clinic joined" in diff
    assert run_axe(page, axe_source()) == []
