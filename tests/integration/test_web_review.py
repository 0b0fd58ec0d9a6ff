"""Decisions through the web UI with CSRF on: every decision, reasons, stale pages, wrong roles."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from reviewq.models import AuditEvent, Decision, Draft
from reviewq.drafts.operations import edit_draft
from tests.factories import csrf_from


def decide(client, draft_id, decision, comment="", revision=None, page=None):
    page = page or client.get(f"/drafts/{draft_id}")
    data = {"csrf_token": csrf_from(page), "decision": decision, "comment": comment}
    if revision is not None:
        data["revision"] = str(revision)
    else:
        m = re.search(rb'name="revision" type="hidden" value="(\d+)"', page.data)
        data["revision"] = m.group(1).decode()
    return client.post(f"/drafts/{draft_id}/decision", data=data)


def fresh(session, draft_id) -> Draft:
    session.expire_all()
    return session.get(Draft, draft_id)


def test_queue_lists_waiting_drafts_oldest_first_with_stage_counts(client, factory, login):
    older = factory.submit(factory.draft(body="Older post about the flu clinic."))
    newer = factory.submit(factory.draft(body="Newer post about the blood drive."))
    factory.draft(body="Unsubmitted post about parking.")
    login(factory.user("reviewer"))
    html = client.get("/review").get_data(as_text=True)
    assert html.index("Older post") < html.index("Newer post") and "parking" not in html
    assert '<span class="stat-num">2</span>' in html
    assert '<span class="badge" aria-label="2 waiting">2</span>' in html
    assert older.id != newer.id


@pytest.mark.parametrize("decision, comment, state", [
    ("approve", "", "pending_legal"),
    ("request_changes", "Please link the CDC source for the 40% figure.", "changes_requested"),
    ("reject", "We do not post about individual patients.", "rejected"),
])
def test_each_decision_through_the_web(client, factory, login, session, decision, comment, state):
    draft = factory.submit(factory.draft())
    login(factory.user("reviewer"))
    resp = decide(client, draft.id, decision, comment)
    assert resp.status_code == 302, resp.data[:2000]
    d = fresh(session, draft.id)
    assert d.state == state
    row = session.scalars(select(Decision).where(Decision.draft_id == draft.id)).one()
    assert (row.decision, row.comment, row.via, row.stage) == (decision, comment, "web", "review")
    assert session.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(1)) == \
        f"decision.review.{decision}"
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    if comment:
        assert comment in page


@pytest.mark.parametrize("decision", ["request_changes", "reject"])
def test_reason_is_required_and_the_error_is_shown(client, factory, login, session, decision):
    draft = factory.submit(factory.draft())
    login(factory.user("reviewer"))
    resp = decide(client, draft.id, decision, "  ")
    assert resp.status_code == 422
    assert "Give a reason so the author knows what to change." in resp.get_data(as_text=True)
    assert fresh(session, draft.id).state == "pending_review"


def test_three_stages_approve_through_the_web(client, factory, login, session):
    draft = factory.submit(factory.draft())
    for role in ("reviewer", "legal", "comms"):
        user = factory.user(role)
        if role != "reviewer":
            assert client.post("/logout", data={"csrf_token": csrf_from(client.get("/", follow_redirects=True))}).status_code == 302
        login(user)
        assert decide(client, draft.id, "approve").status_code == 302
    assert fresh(session, draft.id).state == "approved"


def test_stale_page_gets_the_409_explanation_and_nothing_is_recorded(client, factory, login, session):
    draft = factory.submit(factory.draft())
    login(factory.user("reviewer"))
    page = client.get(f"/drafts/{draft.id}")
    edit_draft(session, draft.author, draft.id, body="A different text now.", channels=["facebook"], now=factory.tick())
    session.commit()
    factory.submit(fresh(session, draft.id))
    resp = decide(client, draft.id, "approve", page=page)
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "You saw revision 1; the draft is now at revision 2" in html and "was not recorded" in html
    assert session.scalars(select(Decision)).all() == []


def test_second_decision_on_a_decided_stage_is_a_409(client, factory, login, session):
    draft = factory.submit(factory.draft())
    first, second = factory.user("reviewer"), factory.user("reviewer")
    login(second)
    page = client.get(f"/drafts/{draft.id}")
    factory.approve(draft, first)
    resp = decide(client, draft.id, "reject", "Too late anyway.", page=page)
    assert resp.status_code == 409 and "already decided the review stage" in resp.get_data(as_text=True)
    assert fresh(session, draft.id).state == "pending_legal"


def test_wrong_role_cannot_decide(client, factory, login, session):
    draft = factory.submit(factory.draft())
    login(factory.user("legal"))   # legal may not see a draft that has not reached legal
    assert client.get(f"/drafts/{draft.id}").status_code == 404
    resp = client.post(f"/drafts/{draft.id}/decision", data={
        "csrf_token": csrf_from(client.get("/", follow_redirects=True)), "decision": "approve", "revision": "1"})
    assert resp.status_code == 404
    assert fresh(session, draft.id).state == "pending_review"


def test_auditor_sees_the_draft_but_gets_403_deciding(client, factory, login, session):
    draft = factory.submit(factory.draft())
    login(factory.user("auditor"))
    page = client.get(f"/drafts/{draft.id}")
    assert page.status_code == 200 and "Your decision" not in page.get_data(as_text=True)
    resp = client.post(f"/drafts/{draft.id}/decision", data={
        "csrf_token": csrf_from(page), "decision": "approve", "revision": "1"})
    assert resp.status_code == 403
    assert fresh(session, draft.id).state == "pending_review"


def test_author_gets_no_buttons_and_cannot_decide_own_draft(client, factory, login, session):
    author = factory.user("staff", "reviewer")
    draft = factory.submit(factory.draft(author=author))
    login(author)
    page = client.get(f"/drafts/{draft.id}")
    assert "Your decision" not in page.get_data(as_text=True)
    resp = client.post(f"/drafts/{draft.id}/decision", data={
        "csrf_token": csrf_from(page), "decision": "approve", "revision": "1"})
    assert resp.status_code == 403 and "your own draft" in resp.get_data(as_text=True)


def test_decision_without_csrf_token_is_400_and_not_recorded(client, factory, login, session):
    draft = factory.submit(factory.draft())
    login(factory.user("reviewer"))
    resp = client.post(f"/drafts/{draft.id}/decision", data={"decision": "approve", "revision": "1"})
    assert resp.status_code == 400
    assert fresh(session, draft.id).state == "pending_review"


def test_nav_badge_counts_exactly_the_queue(client, factory, login, session):
    both = factory.user("reviewer", "legal")
    mine = factory.submit(factory.draft(author=both))          # own drafts never wait for me
    approved = factory.submit(factory.draft())
    factory.approve(approved, both)                              # now in legal, but I approved review
    waiting = [factory.submit(factory.draft()) for _ in range(2)]
    session.expire_all()   # requests share the test's session; start them from the database, as in production
    login(both)
    html = client.get("/review").get_data(as_text=True)
    assert '<span class="badge" aria-label="2 waiting">2</span>' in html
    assert all(f'href="/drafts/{d.id}"' in html for d in waiting)
    assert f'href="/drafts/{approved.id}"' not in html and f'href="/drafts/{mine.id}"' not in html
