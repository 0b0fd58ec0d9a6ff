"""Authoring through the web UI with CSRF on: new draft, attachments, findings, justifications, edits."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from reviewq.models import Attachment, AuditEvent, Draft
from reviewq.clock import now_utc
from tests.factories import csrf_from

UNSOURCED = "Studies show vitamin D cuts flu risk by 40%."
PHI = "Get well soon John Smith, MRN 12345678!"


def png(colour=(30, 120, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def staff(factory, login):
    return login(factory.user("staff"))


def new_draft(client, body="Flu shots are available at every clinic this week.", channels=("facebook",),
              action="submit", files=(), **extra):
    page = client.get("/drafts/new")
    data = {"csrf_token": csrf_from(page), "body": body, "channels": list(channels), "action": action, **extra}
    for i, (content, name, alt) in enumerate(files):
        data[f"attachments-{i}-file"] = (io.BytesIO(content), name)
        data[f"attachments-{i}-alt_text"] = alt
    return client.post("/drafts/new", data=data, content_type="multipart/form-data")


def sign_out(client) -> None:
    resp = client.post("/logout", data={"csrf_token": csrf_from(client.get("/", follow_redirects=True))})
    assert resp.status_code == 302


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_new_draft_with_attachment_is_submitted_and_thumbnail_served(client, staff, session):
    resp = new_draft(client, files=[(png(), "clinic.png", "The front desk of the Elm Street clinic")])
    assert resp.status_code == 302, resp.data[:2000]
    draft = session.scalars(select(Draft)).one()
    assert draft.state == "pending_review" and draft.author_id == staff.id
    att = draft.attachments[0]
    assert att.alt_text == "The front desk of the Elm Street clinic" and att.content_type == "image/png"
    page = client.get(resp.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Waiting for review" in html and f"/drafts/{draft.id}/attachments/{att.id}" in html
    img = client.get(f"/drafts/{draft.id}/attachments/{att.id}")
    assert img.status_code == 200 and img.mimetype == "image/png" and img.data == png()


def test_save_as_draft_does_not_submit(client, staff, session):
    resp = new_draft(client, action="save")
    assert resp.status_code == 302
    assert session.scalars(select(Draft)).one().state == "draft"


def test_blocking_findings_are_shown_inline_with_escaped_highlights(client, staff, session):
    body = "<b>Hi</b> " + PHI
    resp = new_draft(client, body=body)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert '<mark class="sev-block"' in html and ">John Smith</mark>" in html
    assert "&lt;b&gt;Hi&lt;/b&gt;" in html and "<b>Hi</b>" not in html
    assert "phi.identifiers" in html and "How to fix" in html
    draft = session.scalars(select(Draft)).one()
    assert draft.state == "draft" and any(f["check"] == "phi" for f in draft.revision.findings)


def test_warning_needs_a_justification_then_submits_and_approvers_see_it(client, staff, session, factory, login):
    resp = new_draft(client, body=UNSOURCED)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "justification-sourcing:unsourced_claim:0-12" in html
    draft = session.scalars(select(Draft)).one()
    edit = client.get(f"/drafts/{draft.id}/edit")
    resp = client.post(f"/drafts/{draft.id}/edit", data={
        "csrf_token": csrf_from(edit), "body": UNSOURCED, "channels": ["facebook"], "action": "submit",
        "revision": "1", "justification-sourcing:unsourced_claim:0-12": "Figure from the CDC flu page, linked in bio."})
    assert resp.status_code == 302, resp.data[:3000]
    session.expire_all()
    draft = session.get(Draft, draft.id)
    assert draft.state == "pending_review" and draft.current_revision == 1
    assert draft.revision.justifications == {"sourcing:unsourced_claim:0-12":
                                             "Figure from the CDC flu page, linked in bio."}
    sign_out(client)
    login(factory.user("reviewer"))
    page = client.get(f"/drafts/{draft.id}").get_data(as_text=True)
    assert "Figure from the CDC flu page, linked in bio." in page and "Author's justification" in page


def test_missing_justification_is_refused_with_a_field_error(client, staff, session):
    new_draft(client, body=UNSOURCED)
    draft = session.scalars(select(Draft)).one()
    edit = client.get(f"/drafts/{draft.id}/edit")
    resp = client.post(f"/drafts/{draft.id}/edit", data={
        "csrf_token": csrf_from(edit), "body": UNSOURCED, "channels": ["facebook"], "action": "submit",
        "revision": "1", "justification-sourcing:unsourced_claim:0-12": ""})
    assert resp.status_code == 422
    assert "Explain in a sentence why this is fine to post." in resp.get_data(as_text=True)
    session.expire_all()
    assert session.get(Draft, draft.id).state == "draft"


def test_unknown_channel_is_a_form_error_and_nothing_is_stored(client, staff, session):
    resp = new_draft(client, channels=["myspace"])
    assert resp.status_code == 422
    assert "Unknown channel &#39;myspace&#39;" in resp.get_data(as_text=True)
    assert count(session, Draft) == 0


def test_empty_body_is_a_form_error(client, staff, session):
    resp = new_draft(client, body="   ")
    assert resp.status_code == 422 and "Write the post text." in resp.get_data(as_text=True)
    assert count(session, Draft) == 0


def test_unsupported_file_type_is_a_form_error(client, staff, session):
    resp = new_draft(client, files=[(b"%PDF-1.7 not an image", "flyer.pdf", "")])
    assert resp.status_code == 422
    assert "We accept JPEG, PNG, GIF and WebP" in resp.get_data(as_text=True)
    assert count(session, Draft) == 0 and count(session, Attachment) == 0


def test_oversized_upload_gets_the_413_page_and_nothing_is_stored(client, staff, session, app):
    app.config["REVIEWQ"].max_upload_bytes = 1024
    big = png() + b"\0" * 4096
    resp = new_draft(client, files=[(big, "big.png", "A big picture")])
    assert resp.status_code == 413
    html = resp.get_data(as_text=True)
    assert "File too large" in html and "Nothing was saved" in html
    assert count(session, Draft) == 0


def test_missing_csrf_token_is_refused_and_nothing_stored(client, staff, session):
    resp = client.post("/drafts/new", data={"body": "Hello", "channels": ["x"], "action": "save"},
                       content_type="multipart/form-data")
    assert resp.status_code == 400 and "form expired" in resp.get_data(as_text=True)
    assert count(session, Draft) == 0


@pytest.mark.parametrize("local, message", [
    ("2026-03-08T02:30", "does not exist"),       # New York springs forward 02:00 -> 03:00
    ("2026-11-01T01:30", "happens twice"),        # and falls back 02:00 -> 01:00
    ("2020-01-01T09:00", "already passed"),
    ("tomorrow", "YYYY-MM-DD"),
])
def test_release_time_around_dst_or_past_is_a_form_error(client, staff, session, app, local, message):
    app.config["REVIEWQ"].timezone = "America/New_York"
    resp = new_draft(client, action="save", release_at=local)
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    assert count(session, Draft) == 0


def test_release_time_is_read_in_the_org_zone_and_stored_in_utc(client, staff, session, app):
    app.config["REVIEWQ"].timezone = "Europe/Berlin"
    resp = new_draft(client, action="save", release_at="2031-07-01T09:30")
    assert resp.status_code == 302
    draft = session.scalars(select(Draft)).one()
    assert draft.requested_release_at.isoformat() == "2031-07-01T07:30:00+00:00"
    assert "01 Jul 2031, 09:30 CEST" in client.get(f"/drafts/{draft.id}").get_data(as_text=True)


def test_edit_voids_approvals_and_a_save_without_change_says_nothing_changed(client, staff, session, factory):
    draft = factory.submit(factory.draft(author=staff))
    factory.approve(draft, factory.user("reviewer"))
    edit = client.get(f"/drafts/{draft.id}/edit")
    assert "Editing voids approvals" in edit.get_data(as_text=True)
    same = {"csrf_token": csrf_from(edit), "body": draft.body, "channels": ["facebook"], "action": "save",
            "revision": str(draft.current_revision)}
    resp = client.post(f"/drafts/{draft.id}/edit", data=same, follow_redirects=True)
    assert "Nothing changed" in resp.get_data(as_text=True)
    session.expire_all()
    assert session.get(Draft, draft.id).state == "pending_legal"
    resp = client.post(f"/drafts/{draft.id}/edit", data={**same, "body": draft.body + " Walk-ins welcome."},
                       follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "Saved as revision 2" in html and "<ins> Walk-ins welcome.</ins>" in html
    session.expire_all()
    d = session.get(Draft, draft.id)
    assert d.state == "draft" and d.current_revision == 2 and d.standing_approvals() == []


def test_diff_between_revisions_is_word_level_and_escaped(client, staff, session, factory):
    draft = factory.draft(author=staff, body="Flu shots at <every> clinic.")
    edit = client.get(f"/drafts/{draft.id}/edit")
    client.post(f"/drafts/{draft.id}/edit", data={"csrf_token": csrf_from(edit), "body": "Flu shots at our clinic.",
                                                  "channels": ["facebook"], "action": "save", "revision": "1"})
    html = client.get(f"/drafts/{draft.id}?from=1&to=2").get_data(as_text=True)
    assert "<del>&lt;every&gt;</del><ins>our</ins>" in html


def test_withdraw_asks_for_confirmation_then_withdraws(client, staff, session, factory):
    draft = factory.submit(factory.draft(author=staff))
    page = client.get(f"/drafts/{draft.id}/withdraw")
    assert page.status_code == 200 and "cannot be brought back" in page.get_data(as_text=True)
    resp = client.post(f"/drafts/{draft.id}/withdraw", data={"csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(Draft, draft.id).state == "withdrawn"
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.draft_id == draft.id)
                          .order_by(AuditEvent.seq.desc()).limit(1)) == "draft.withdraw"


def test_my_drafts_lists_only_mine_and_paginates(client, staff, session, factory):
    other = factory.draft(body="Someone else's post about the blood drive.")
    mine = [factory.draft(author=staff, body=f"Clinic note number {i}.") for i in range(27)]
    first = client.get("/").get_data(as_text=True)
    assert "Clinic note number 26." in first and "Clinic note number 1." not in first
    assert "blood drive" not in first
    second = client.get(f"/?after={mine[2].id}").get_data(as_text=True)
    assert "Clinic note number 1." in second and "Clinic note number 0." in second
    assert "blood drive" not in second and other.author_id != staff.id


def test_someone_elses_draft_and_its_attachment_are_404(client, staff, session, factory):
    draft = factory.draft()
    assert client.get(f"/drafts/{draft.id}").status_code == 404
    assert client.get(f"/drafts/{draft.id}/edit").status_code == 404
    assert client.get(f"/drafts/{draft.id}/attachments/1").status_code == 404
    assert "Not found" in client.get("/drafts/999999").get_data(as_text=True)


def test_pending_stage_clock_is_shown_in_queue(client, session, factory, login):
    draft = factory.submit(factory.draft())
    draft.stage_entered_at = now_utc() - timedelta(days=3, hours=2, minutes=5)
    session.commit()
    login(factory.user("reviewer"))
    html = client.get("/review").get_data(as_text=True)
    assert f"/drafts/{draft.id}" in html and "3 d 2 h" in html
