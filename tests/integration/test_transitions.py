"""The one writer of state, the check_* twins, and the unit of work at the web/API boundary."""
from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import func, select

from reviewq import signals
from reviewq.accounts.operations import revoke_token
from reviewq.core.errors import InvalidTransitionError, NotFoundError, PermissionDeniedError
from reviewq.drafts import transitions as T
from reviewq.drafts.operations import check_submit, check_withdraw
from reviewq.models import ApiToken, Attachment, AuditEvent, Draft
from reviewq.review.operations import check_decide, may_decide
from tests.factories import csrf_from
from tests.integration.api_helpers import api_for


def _flyer() -> bytes:
    img = Image.new("RGB", (900, 200), "white")
    ImageDraw.Draw(img).text((20, 60), "Blood drive Saturday 9am-3pm", fill="black",
                             font=ImageFont.load_default(size=34))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def test_submit_enters_the_stage_with_its_columns(factory, session):
    d = factory.draft()
    factory.submit(d)
    assert (d.state, d.reached, d.reminded_at) == ("pending_review", 1, None)
    assert d.stage_entered_at is not None and d.updated_at == d.stage_entered_at


def test_a_transition_decided_on_a_stale_state_is_refused(factory, session):
    d = factory.draft()
    t = check_submit(d.author, d)
    factory.submit(d)  # the draft moved on since t was decided
    with pytest.raises(InvalidTransitionError):
        T.apply(d, t, factory.tick())
    assert d.state == "pending_review"


def test_release_values_come_from_the_same_function(factory, session):
    d = factory.approved_draft()
    with pytest.raises(InvalidTransitionError):
        T.release_transition(d)  # approved, not scheduled: nothing to release
    now = factory.tick()
    fake_scheduled = Draft(id=1, author_id=1, state="scheduled", current_revision=3, reached=4)
    [(_, values)] = T.apply_many([fake_scheduled], T.release_transition, now)
    assert values == {"state": "published", "updated_at": now, "reached": 4, "stage_entered_at": None,
                      "published_at": now}


def test_check_twins_answer_without_changing_anything(factory, session):
    author, reviewer, legal = factory.user("staff"), factory.user("reviewer"), factory.user("legal")
    d = factory.submit(factory.draft(author=author))
    version = d.version
    assert check_decide(reviewer, d).name == "review"
    assert may_decide(legal, d) is None and may_decide(author, d) is None
    with pytest.raises(PermissionDeniedError):
        check_decide(author, d)
    assert check_withdraw(author, d).to_state == "withdrawn"
    with pytest.raises(PermissionDeniedError):
        check_withdraw(reviewer, d)
    session.flush()
    assert (d.state, d.version, session.scalar(select(func.count()).select_from(AuditEvent)
                                                .where(AuditEvent.draft_id == d.id, AuditEvent.action.like(
                                                    "decision.%")))) == ("pending_review", version, 0)


def test_revoking_someone_elses_token_changes_and_signals_nothing(factory, session):
    owner, admin = factory.user("staff"), factory.user("admin")
    factory.token(owner)
    row = session.scalars(select(ApiToken)).one()
    heard = []

    def listen(sender, **kw):
        heard.append(kw["change"])
    signals.token_changed.connect(listen)
    try:
        with pytest.raises(NotFoundError):
            revoke_token(session, admin, row.id, now=factory.tick())
        assert row.revoked_at is None and heard == []
        revoke_token(session, admin, row.id, now=factory.tick(), any_user=True)  # the admin tools may
        assert row.revoked_at is not None and heard == ["revoked"]
    finally:
        signals.token_changed.disconnect(listen)


def test_api_submission_scans_an_image_the_worker_has_not_reached(client, factory, session):
    author = factory.user("staff")
    api = api_for(client, factory, author)
    d = api.post("/drafts", json={"body": "Blood drive on Saturday, all welcome.", "channels": ["facebook"]}).json
    r = api.post(f"/drafts/{d['id']}/attachments", data={"file": (io.BytesIO(_flyer()), "flyer.png"),
                                                        "alt_text": "Blood drive flyer"},
                 content_type="multipart/form-data")
    assert r.status_code == 201
    session.expire_all()
    assert session.scalars(select(Attachment)).one().scanned_at is None
    r = api.post(f"/drafts/{d['id']}/submit", json={})
    assert not [f for f in r.json.get("findings", []) if f["message"] == "This attachment is still being checked."]
    session.expire_all()
    assert session.scalars(select(Attachment)).one().scanned_at is not None
    if r.status_code == 200:
        assert r.json["state"] == "pending_review"
    else:  # a server without OCR or face detection asks the author to say what they checked
        assert r.status_code == 422 and r.json["missing_justifications"]


def test_a_refused_web_decision_leaves_nothing_behind(client, factory, login, session):
    author, reviewer = factory.user("staff"), factory.user("reviewer")
    d = factory.submit(factory.draft(author=author))
    login(reviewer)
    page = client.get(f"/drafts/{d.id}")
    r = client.post(f"/drafts/{d.id}/decision", data={
        "csrf_token": csrf_from(page), "decision": "reject", "comment": "", "revision": str(d.current_revision),
        "expected_stage": "review"})
    assert r.status_code == 422
    session.expire_all()
    assert session.get(Draft, d.id).state == "pending_review" and not session.get(Draft, d.id).decisions
    r = client.post(f"/drafts/{d.id}/decision", data={
        "csrf_token": csrf_from(page), "decision": "approve", "comment": "", "revision": str(d.current_revision),
        "expected_stage": "review"})
    assert r.status_code == 302
    session.expire_all()
    assert session.get(Draft, d.id).state == "pending_legal"  # committed by the unit of work, not the view


def test_a_blocked_web_submission_keeps_the_draft_and_its_findings(client, factory, login, session):
    login(factory.user("staff"))
    page = client.get("/drafts/new")
    r = client.post("/drafts/new", data={"csrf_token": csrf_from(page), "body": "Patient SSN 123-45-6789 is doing well.",
                                         "channels": ["facebook"], "action": "submit"})
    assert r.status_code == 422
    session.expire_all()
    d = session.scalars(select(Draft)).one()
    assert d.state == "draft" and any(f["category"] == "ssn" for f in d.revision.findings)


def test_a_commit_that_conflicts_answers_409_and_keeps_nothing(app, client, session):
    from reviewq.extensions import db
    from reviewq.models import User

    def clash():  # two rows the unique e-mail constraint refuses only when the unit of work commits
        db.session.add_all([User(email="same@example.org", name="A"), User(email="same@example.org", name="B")])
        return "ok"
    app.add_url_rule("/_test/clash", "test_clash", clash, methods=["POST"])
    app.config["WTF_CSRF_ENABLED"] = False
    r = client.post("/_test/clash")
    assert r.status_code == 409 and b"Someone else changed this" in r.data
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(User).where(User.email == "same@example.org")) == 0
