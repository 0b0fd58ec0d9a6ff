"""Issue 11: consent per person and medium, linking by mention, revocation that pulls posts back, tasks."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from reviewq.consents import operations as svc
from reviewq.consents import tasks
from reviewq.consents.queries import consents_named
from reviewq.core.errors import BlockingFindingsError, NotFoundError, PermissionDeniedError, ValidationError
from reviewq.drafts.checking import load_policy
from reviewq.models import AuditEvent, Consent, ConsentTask, OutboxMessage
from reviewq.releases.operations import schedule_release
from tests.integration.api_helpers import api_for

EDNA = "Happy 100th birthday to our patient Edna Morales!"


def edna_consent(session, factory, comms=None, **kw):
    comms = comms or factory.user("comms")
    base = dict(subject_name="Edna Morales", covers=["name", "story", "photo"], channels=["facebook", "instagram"],
                valid_from=factory.now - timedelta(days=30), valid_until=factory.now + timedelta(days=300))
    base.update(kw)
    return svc.create_consent(session, comms, now=factory.tick(), **base)


def link(session, factory, d, consent, mention=None):
    """The author links a consent with the reference comms handed out (they cannot see a draft yet)."""
    ref = svc.consent_ref(factory.app.config["REVIEWQ"].secret_key, consent.id)
    return svc.link_consents(session, d.author, d.id, [ref], now=factory.tick(), mention=mention,
                             secret=factory.app.config["REVIEWQ"].secret_key)


def scheduled_story(session, factory, consent, author=None):
    approvers = factory.approvers()
    d = factory.draft(author, body=EDNA, channels=("facebook",))
    link(session, factory, d, consent, "Edna Morales")
    factory.submit(d)
    for role in ("reviewer", "legal", "comms"):
        factory.approve(d, approvers[role])
    schedule_release(session, approvers["comms"], d.id, release_at=factory.now + timedelta(days=2),
                     now=factory.tick())
    return d, approvers


def test_a_linked_consent_lets_the_birthday_story_through(session, factory):
    staff = factory.user("staff")
    d = factory.draft(staff, body=EDNA)
    with pytest.raises(BlockingFindingsError) as e:
        factory.submit(d)
    blocked = {(f["check"], f["category"]) for f in e.value.findings if f["severity"] == "block"}
    assert {("phi", "name"), ("phi", "age"), ("consent", "patient_story")} <= blocked
    c = edna_consent(session, factory)
    link(session, factory, d, c)
    factory.submit(d)
    assert d.state == "pending_review"
    assert all(f["severity"] == "info" for f in d.revision.findings if f["check"] in ("phi", "consent"))


def test_the_mrn_still_blocks_under_consent(session, factory):
    d = factory.draft(body=EDNA + " MRN 00482913")
    c = edna_consent(session, factory)
    link(session, factory, d, c)
    with pytest.raises(BlockingFindingsError) as e:
        factory.submit(d)
    assert [f["category"] for f in e.value.findings if f["severity"] == "block"] == ["mrn"]


def test_the_author_finds_records_only_by_the_exact_name_written(session, factory, client, app):
    staff = factory.user("staff")
    d = factory.draft(staff, body=EDNA)
    edna_consent(session, factory)
    edna_consent(session, factory, subject_name="Edna Lopez")
    assert [c.subject_name for c in consents_named(session, staff, d.id, "edna  MORALES")] == ["Edna Morales"]
    assert consents_named(session, staff, d.id, "Edna") == []  # no prefix search
    assert consents_named(session, staff, d.id, "Edna Lopez") == []  # not a name in this post
    with pytest.raises(NotFoundError):
        consents_named(session, factory.user("staff"), d.id, "Edna Morales")  # someone else's draft
    a = api_for(client, factory, staff)
    found = a.get(f"/drafts/{d.id}/consents/search?name=Edna%20Morales").json["consents"]
    assert len(found) == 1 and set(found[0]) == {"subject_name", "relation", "covers", "channels", "valid_from",
                                                 "valid_until", "revoked", "reference"}
    r = a.post(f"/drafts/{d.id}/consents", {"consent_ids": [found[0]["reference"]], "mention": "Edna Morales"})
    assert r.status_code == 200, r.json


def test_link_refusals_name_the_problem_and_save_nothing(session, factory):
    comms = factory.user("comms")
    d = factory.draft(body=EDNA)
    other = edna_consent(session, factory, comms, subject_name="Rosa Diaz")
    with pytest.raises(ValidationError) as e:
        link(session, factory, d, other, "Edna Morales")
    assert e.value.fields == {"mention": "another person"}
    with pytest.raises(ValidationError) as e:
        link(session, factory, d, other, "Rosa Diaz")
    assert e.value.fields == {"mention": "not in the post"}
    expired = edna_consent(session, factory, comms, valid_from=factory.now - timedelta(days=60),
                           valid_until=factory.now - timedelta(days=1))
    with pytest.raises(ValidationError) as e:
        link(session, factory, d, expired)
    assert "expired" in e.value.message
    revoked = edna_consent(session, factory, comms)
    svc.revoke_consent(session, comms, revoked.id, now=factory.tick(), reason="asked by family")
    with pytest.raises(ValidationError):
        link(session, factory, d, revoked)
    assert svc.linked_consents(session, d) == []


@pytest.mark.parametrize("kw,field", [
    (dict(covers=[]), "covers"),
    (dict(subject_name="  "), "subject_name"),
    (dict(relation="neighbour"), "relation"),
    (dict(relation="parent_guardian"), "signed_by"),
    (dict(valid_until="start"), "valid_until"),
])
def test_bad_consents_are_refused_whole(session, factory, kw, field):
    comms = factory.user("comms")
    if kw.get("valid_until") == "start":
        kw = dict(valid_from=factory.now, valid_until=factory.now - timedelta(days=1))
    base = dict(subject_name="Edna Morales", covers=["name"])
    with pytest.raises(ValidationError) as e:
        svc.create_consent(session, comms, now=factory.now, **{**base, **kw})
    assert field in e.value.fields
    assert session.scalar(select(func.count()).select_from(Consent)) == 0


def test_signed_form_must_be_a_real_pdf_or_image(session, factory, app):
    import pypdf
    comms, up = factory.user("comms"), app.config["REVIEWQ"].upload_dir
    for data in (b"%PDF-1.7\nnot really", b"hello", b"\x00\x00\x00\x18ftypmp42" + b"\0" * 40):
        with pytest.raises(ValidationError) as e:
            svc.create_consent(session, comms, subject_name="Edna Morales", covers=["name"], now=factory.now,
                               form=io.BytesIO(data), upload_dir=up)
        assert "form" in e.value.fields
    assert session.scalar(select(func.count()).select_from(Consent)) == 0
    w, buf = pypdf.PdfWriter(), io.BytesIO()
    w.add_blank_page(200, 200)
    w.write(buf)
    c = svc.create_consent(session, comms, subject_name="Edna Morales", covers=["name"], now=factory.now,
                           relation="parent_guardian", signed_by="Ana Morales", form=io.BytesIO(buf.getvalue()),
                           upload_dir=up)
    assert c.form_content_type == "application/pdf" and c.form_key and c.relation == "parent_guardian"


def test_revoking_pulls_the_scheduled_post_back_at_once(session, factory):
    c = edna_consent(session, factory)
    d, approvers = scheduled_story(session, factory, c)
    assert d.state == "scheduled"
    svc.revoke_consent(session, approvers["comms"], c.id, now=factory.tick(), reason="family asked")
    assert d.state == "changes_requested" and d.release_at is None
    assert all(x.voided for x in d.decisions)
    assert c.revoke_reason == "family asked" and c.revoked_by_id == approvers["comms"].id
    session.flush()
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.draft_id == d.id)).all()
    assert "draft.pull_back" in actions
    with pytest.raises(BlockingFindingsError):  # the author resubmits: the revoked consent no longer counts
        factory.submit(d)


def test_revoking_a_published_posts_consent_opens_a_takedown_until_done(session, factory):
    c = edna_consent(session, factory)
    d, approvers = scheduled_story(session, factory, c)
    from reviewq.drafts import transitions as T
    T.apply(d, T.release_transition(d), factory.tick())
    svc.revoke_consent(session, approvers["comms"], c.id, now=factory.tick())
    assert d.state == "published"
    (task,) = session.scalars(select(ConsentTask)).all()
    assert (task.kind, task.draft_id, task.channels, task.assigned_role) == ("takedown", d.id, ["facebook"], "comms")
    assert task.published_at == d.published_at and task.due_at > task.created_at
    from reviewq.consents.queries import open_tasks
    assert open_tasks(session, approvers["comms"]) == [task]
    with pytest.raises(PermissionDeniedError):
        open_tasks(session, d.author)
    with pytest.raises(NotFoundError):
        tasks.complete_task(session, d.author, task.id, now=factory.tick())
    tasks.complete_task(session, approvers["comms"], task.id, now=factory.tick(), note="removed from Facebook")
    assert open_tasks(session, approvers["comms"]) == []


def test_a_consent_request_is_answered_by_recording_the_consent(session, factory):
    staff, comms = factory.user("staff"), factory.user("comms")
    d = factory.draft(staff, body=EDNA)
    with pytest.raises(ValidationError):
        tasks.request_consent(session, staff, d.id, subject_name="Somebody Else", now=factory.tick())
    with pytest.raises(NotFoundError):  # comms do not see an unsubmitted draft
        tasks.request_consent(session, comms, d.id, subject_name="Edna Morales", now=factory.tick())
    t = tasks.request_consent(session, staff, d.id, subject_name="Edna Morales", now=factory.tick())
    assert tasks.request_consent(session, staff, d.id, subject_name="Edna Morales", now=factory.tick()) is t
    with pytest.raises(ValidationError):
        edna_consent(session, factory, comms, subject_name="Rosa Diaz", task_id=t.id)
    c = edna_consent(session, factory, comms, task_id=t.id)
    assert t.done_at is not None and t.consent_id == c.id
    assert [x.id for x in svc.linked_consents(session, d)] == [c.id]
    factory.submit(d)
    assert d.state == "pending_review"


def test_scheduling_past_the_consents_end_is_refused(session, factory):
    c = edna_consent(session, factory, valid_until=factory.now + timedelta(days=1))
    approvers = factory.approvers()
    d = factory.draft(body=EDNA)
    link(session, factory, d, c)
    factory.submit(d)
    for role in ("reviewer", "legal", "comms"):
        factory.approve(d, approvers[role])
    with pytest.raises(ValidationError) as e:
        schedule_release(session, approvers["comms"], d.id, release_at=factory.now + timedelta(days=3),
                         now=factory.tick())
    assert "consent" in e.value.message.lower() and d.state == "approved"


def test_api_contract_still_works_and_revoke_takes_a_reason(client, factory, session):
    cm = api_for(client, factory, factory.user("comms"))
    made = cm.post("/consents", {"subject_name": "Edna Morales", "covers": ["name", "story"],
                                 "relation": "relative", "signed_by": "Ana Morales"})
    assert made.status_code == 201 and made.json["relation"] == "relative"
    assert cm.post(f"/consents/{made.json['id']}/revoke").status_code == 200  # no body, as before
    other = cm.post("/consents", {"subject_name": "Rosa Diaz", "covers": ["name"]}).json
    r = cm.post(f"/consents/{other['id']}/revoke", {"reason": "withdrawn by phone"})
    assert r.status_code == 200 and r.json["revoke_reason"] == "withdrawn by phone"
    assert cm.post("/consents", {"subject_name": "X Y", "covers": ["name"], "relation": "pet"}).status_code == 422
    assert cm.get("/consent-tasks").json == {"tasks": []}


def test_a_refused_revision_is_replaced_not_kept_and_approvers_see_only_submitted_text(session, factory):
    staff = factory.user("staff")
    d = factory.draft(staff, body="So proud of Mrs. Alvarez in room 412, MRN 00482913!")
    with pytest.raises(BlockingFindingsError):
        factory.submit(d)
    from reviewq.drafts import operations as drafts
    drafts.edit_draft(session, staff, d.id, body="So proud of our rehab team this week!", channels=["facebook"],
                      now=factory.tick())
    assert [r.number for r in d.revisions] == [1] and "00482913" not in d.revisions[0].body
    factory.submit(d)
    assert d.revision.submitted_at is not None
    reviewer = factory.user("reviewer")
    factory.approve(d, reviewer, "request_changes", "add the date")
    drafts.edit_draft(session, staff, d.id, body="So proud of Mrs. Alvarez, MRN 00482913!", channels=["facebook"],
                      now=factory.tick())
    with pytest.raises(BlockingFindingsError):
        factory.submit(d)
    from reviewq.drafts.queries import revision_shown_to, revisions_for
    assert [r.number for r in revisions_for(d, reviewer)] == [1]
    assert "00482913" not in revision_shown_to(d, reviewer).body
    assert "00482913" in revision_shown_to(d, staff).body  # the author still sees what they wrote


def test_the_same_new_draft_form_sent_twice_makes_one_draft(session, factory):
    from reviewq.drafts import operations as drafts
    from reviewq.models import Draft
    staff = factory.user("staff")
    kw = dict(body="So proud of Mrs. Alvarez in room 412!", channels=["facebook"], requested_release_at=None,
              form_token="t" * 32)
    a = drafts.create_draft(session, staff, now=factory.tick(), **kw)
    b = drafts.create_draft(session, staff, now=factory.tick(), **kw)
    assert a.id == b.id
    other = drafts.create_draft(session, factory.user("staff"), now=factory.tick(), **kw)  # tokens are per author
    assert other.id != a.id
    assert session.scalar(select(func.count()).select_from(Draft)) == 2


def test_hostile_consent_api_input_gets_clear_4xx(client, factory, session):
    staff = factory.user("staff")
    d = factory.draft(staff, body=EDNA)
    a = api_for(client, factory, staff)
    cm = api_for(client, factory, factory.user("comms"))
    for body in ({"attachment_id": 1, "box": [1, 2, 3], "consent_id": 1}, {"attachment_id": 1, "box": [-1, 0, 0, 0],
                 "consent_id": "1-abc"}, {"attachment_id": 99, "box": [0, 0, 1, 1], "consent_id": "1-0123456789ab"}):
        r = a.post(f"/drafts/{d.id}/consents/faces", body)
        assert r.status_code in (400, 422) and "error" in r.json
    assert a.get(f"/drafts/{d.id}/consents/search?name=" + "x" * 300).status_code in (400, 422)
    assert a.get(f"/drafts/{d.id}/consents/search?name=Edna%20Morales").json == {"consents": []}
    r = a.post(f"/drafts/{d.id}/consent-requests", {"subject_name": "Edna\u0000Morales"})
    assert r.status_code == 422
    assert a.post(f"/drafts/{d.id}/consents", {"consent_ids": ["1-0123456789ab"], "mention": 5}).status_code in (400, 422)
    assert cm.post("/consent-tasks/99999/done").status_code == 404
    assert a.get("/consent-tasks").status_code == 403
    assert cm.post("/consents/1/revoke", {"reason": 7}).status_code in (400, 404, 422)
    assert cm.post("/consents", {"subject_name": "A B", "covers": ["name"], "task_id": 2**40}).status_code in (400, 422)


def test_a_face_is_linked_to_the_persons_photo_consent(session, factory):
    from tests.integration.test_scans import _astronaut
    staff = factory.user("staff")
    d = factory.draft(staff, body=EDNA, attachments=[("edna.png", _astronaut(), "Edna with her cake")])
    with pytest.raises(BlockingFindingsError):
        factory.submit(d)
    att = d.attachments[0]
    faces = [f for f in att.scan_findings if f.get("policy") == "attachment.face"]
    if not faces:
        pytest.skip("face detection unavailable on this machine")
    box = faces[0]["box"]
    name_only = edna_consent(session, factory, covers=["name", "story"])
    with pytest.raises(ValidationError):  # not linked to the draft yet
        svc.link_face(session, staff, d.id, att.id, box, svc.consent_ref(factory.app.config["REVIEWQ"].secret_key,
                      name_only.id), now=factory.tick(), secret=factory.app.config["REVIEWQ"].secret_key)
    link(session, factory, d, name_only, "Edna Morales")
    secret = factory.app.config["REVIEWQ"].secret_key
    with pytest.raises(ValidationError) as e:
        svc.link_face(session, staff, d.id, att.id, box, svc.consent_ref(secret, name_only.id), now=factory.tick(),
                      secret=secret)
    assert "photos" in e.value.message
    with pytest.raises(ValidationError):
        svc.link_face(session, staff, d.id, att.id, [1, 2, 3, 4], svc.consent_ref(secret, name_only.id),
                      now=factory.tick(), secret=secret)
    photo = edna_consent(session, factory)
    link(session, factory, d, photo, "Edna Morales")
    row = svc.link_face(session, staff, d.id, att.id, box, svc.consent_ref(secret, photo.id), now=factory.tick(),
                        secret=secret)
    assert row.consent_id == photo.id
    factory.submit(d, justifications=None)
    face_findings = [f for f in d.revision.findings if f.get("policy") == "attachment.face"]
    assert face_findings[0]["severity"] == "info" and face_findings[0]["consent_id"] == photo.id


def test_the_read_only_draft_answer_lists_linked_consents_as_the_orm_one(session, factory, client):
    """GET /api/v1/drafts/{id} reads Core rows; every other answer with a draft reads ORM objects: same JSON."""
    from reviewq.api import serialize
    from reviewq.models import Draft
    staff = factory.user("staff")
    d = factory.draft(staff, body=EDNA)
    link(session, factory, d, edna_consent(session, factory), "Edna Morales")
    link(session, factory, d, edna_consent(session, factory, subject_name="Edna Morales", covers=["name"]))
    session.commit()
    got = api_for(client, factory, staff).get(f"/drafts/{d.id}").json
    assert len(got["consents"]) == 2
    with factory.app.test_request_context():
        expected = serialize.draft_full(session, session.get(Draft, d.id))
    assert got["consents"] == expected["consents"]
    assert got == expected
