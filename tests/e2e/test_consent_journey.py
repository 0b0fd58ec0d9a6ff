"""Issue 11 in a real browser: a consented patient story passes, a revocation pulls it back at once."""
from __future__ import annotations

import importlib.util
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from reviewq.clock import now_utc
from reviewq.consents import operations as consents
from reviewq.extensions import db
from reviewq.integrations.slack.dispatch import deliver_due
from reviewq.models import Draft
from reviewq.releases.operations import schedule_release
from tests.e2e.axe import axe_source, describe, run_axe
from tests.e2e.test_journey import sign_in, sign_out
from tests.fakes.slack_payloads import fake_slack, slack_settings  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.commits, pytest.mark.usefixtures("slack_settings")]
STORY = "Happy 100th birthday to our patient Edna Morales!"


def _photo(tmp_path) -> Path:
    spec = importlib.util.find_spec("skimage")
    if spec is None:
        pytest.skip("scikit-image (test extra) provides the public-domain face photo")
    path = tmp_path / "edna.png"
    path.write_bytes((Path(spec.origin).parent / "data" / "astronaut.png").read_bytes())
    return path


def _write(page, base, body, photo=None):
    page.goto(f"{base}/drafts/new")
    page.fill("#body", body)
    page.check("input[name=channels][value=facebook]")
    page.check("input[name=channels][value=instagram]")
    if photo:
        page.set_input_files("input[name='attachments-0-file']", str(photo))
        page.fill("textarea[name='attachments-0-alt_text']", "Edna smiling with her birthday cake")
    page.click("button:has-text('Check and submit')")


def test_consented_birthday_story_passes_and_revocation_pulls_it_back(live_server, new_page, factory, session,
                                                                      tmp_path, fake_slack, app, shots):
    staff = factory.user("staff", name="Sam Staff", slack_id="USTAFF1")
    approvers = {r: factory.user(r, name=f"{r.title()} Person", slack_id=f"U{r.upper()}1")
                 for r in ("reviewer", "legal", "comms")}
    year = now_utc().year
    from datetime import datetime, timezone
    consent = consents.create_consent(
        session, approvers["comms"], subject_name="Edna Morales", covers=["name", "photo", "story"],
        channels=["facebook", "instagram"], valid_from=datetime(year, 1, 1, tzinfo=timezone.utc),
        valid_until=datetime(year + 1, 1, 1, tzinfo=timezone.utc), now=now_utc())
    session.commit()
    source = axe_source()
    page = new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, staff)
    assert page.locator("nav a:has-text('Consents')").count() == 0  # staff never browse the registry

    _write(page, live_server, STORY, _photo(tmp_path))
    page.wait_for_selector("mark.sev-block")
    assert "Edna Morales" in page.inner_text(".findings")
    page.screenshot(path=str(shots / "consent-needed.png"), full_page=True)
    page.click(".finding.sev-block >> a:has-text('Link a consent')")
    page.wait_for_selector("text=Link this consent")
    assert "Edna Morales" in page.input_value("#name")
    problems = describe("consent link page", run_axe(page, source))
    page.click("button:has-text('Link this consent')")
    page.wait_for_selector(".flash-success")
    page.screenshot(path=str(shots / "consent-linked.png"), full_page=True)
    page.click("a:has-text('Back to the draft')")
    page.click("button:has-text('Save and submit')")
    page.wait_for_url(re.compile(r".*/drafts/\d+$"))
    assert "Waiting for review" in page.inner_text("h1")
    assert "consent #" in page.inner_text(".findings").lower()
    draft_id = int(page.url.rsplit("/", 1)[1])
    sign_out(page)

    session.expire_all()
    d = session.get(Draft, draft_id)
    for role in ("reviewer", "legal", "comms"):
        factory.approve(d, approvers[role])
    schedule_release(session, approvers["comms"], d.id, release_at=now_utc() + timedelta(days=3),
                     now=now_utc())
    session.commit()
    with app.app_context():
        deliver_due(db, app.config["REVIEWQ"], now_utc() + timedelta(seconds=1))
    before = len(fake_slack.fake.called("chat.postMessage"))

    sign_in(page, live_server, approvers["comms"])
    page.goto(f"{live_server}/consents")
    problems += describe("consent registry", run_axe(page, source))
    page.fill(f"#reason-{consent.id}", "The family withdrew consent by phone")
    page.click(f"button[aria-label^='Revoke consent {consent.id}']")
    page.wait_for_selector(".flash-info")
    session.expire_all()
    d = session.get(Draft, draft_id)
    assert d.state == "changes_requested" and d.release_at is None
    session.commit()
    with app.app_context():
        deliver_due(db, app.config["REVIEWQ"], now_utc() + timedelta(seconds=1))
    sent = fake_slack.fake.called("chat.postMessage")[before:]
    assert {"DSTAFF1", "DCOMMS1"} <= {c.params["channel"] for c in sent}
    assert "Morales" not in json.dumps([c.params for c in sent])
    sign_out(page)

    sign_in(page, live_server, staff)
    page.goto(f"{live_server}/drafts/{draft_id}")
    assert "Changes requested" in page.inner_text("h1") or "changes" in page.inner_text("h1").lower()
    # A post with Edna's MRN still blocks, even with a valid consent linked.
    fresh = consents.create_consent(session, approvers["comms"], subject_name="Edna Morales",
                                    covers=["name", "story"], now=now_utc())
    session.commit()
    _write(page, live_server, STORY + " MRN 00482913")
    page.wait_for_selector("mark.sev-block")
    mrn_draft = session.scalars(select(Draft).order_by(Draft.id.desc())).first()
    ref = consents.consent_ref(app.config["REVIEWQ"].secret_key, fresh.id)
    session.commit()  # release SQLite's read lock: the live server writes
    page.goto(f"{live_server}/consents/link?draft_id={mrn_draft.id}")
    page.fill("#consent_ids", ref)
    page.click("button:has-text('Link'):not(:has-text('this'))")
    page.wait_for_selector(".flash-success")
    page.goto(f"{live_server}/drafts/{mrn_draft.id}/edit")
    page.click("button:has-text('Save and submit')")
    page.wait_for_selector("mark.sev-block")
    assert set(page.locator("mark.sev-block").all_inner_texts()) == {"00482913"}  # the name is consented
    assert not problems, "\n".join(problems)
