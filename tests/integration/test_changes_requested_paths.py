"""Every way back from changes_requested (issue 16): an unchanged revision cannot go round again."""
from __future__ import annotations

import pytest

from reviewq.models import Draft
from tests.factories import PNG
from tests.integration.api_helpers import api_for

BODY = "Our flu clinic is open Saturday 9-12 at the Main St entrance."


def _decide(api, d, decision, stage, revision=1, comment=""):
    return api.post(f"/drafts/{d}/decision", {"decision": decision, "revision": revision, "expected_stage": stage,
                                              **({"comment": comment} if comment else {})})


@pytest.fixture
def team(client, factory):
    people = {r: factory.user(r) for r in ("staff", "reviewer", "legal", "comms")}
    return {r: api_for(client, factory, u) for r, u in people.items()}


def _changes_requested_at(team, stage):
    a = team["staff"]
    d = a.post("/drafts", {"body": BODY, "channels": ["facebook"]}).json["id"]
    assert a.post(f"/drafts/{d}/submit").json["state"] == "pending_review"
    if stage == "legal":
        assert _decide(team["reviewer"], d, "approve", "review").json["state"] == "pending_legal"
    r = _decide(team[{"review": "reviewer", "legal": "legal"}[stage]], d, "request_changes", stage,
                comment="Say which entrance.")
    assert r.json["state"] == "changes_requested"
    return d


@pytest.mark.parametrize("stage", ["review", "legal"])
def test_resubmitting_the_same_revision_is_refused_with_a_reason(team, stage):
    d = _changes_requested_at(team, stage)
    a = team["staff"]
    r = a.post(f"/drafts/{d}/submit")
    assert r.status_code == 409 and "nothing has changed" in r.json["error"] and "Edit the draft" in r.json["error"]
    assert a.get(f"/drafts/{d}").json["state"] == "changes_requested"
    # Saving the same text makes no revision, so it is still refused.
    assert a.put(f"/drafts/{d}", {"body": BODY, "channels": ["facebook"]}).json["revision"] == 1
    assert a.post(f"/drafts/{d}/submit").status_code == 409


@pytest.mark.parametrize("stage", ["review", "legal"])
def test_an_edit_then_submit_starts_again_at_review_and_everyone_can_decide(team, stage):
    d = _changes_requested_at(team, stage)
    a = team["staff"]
    edited = a.put(f"/drafts/{d}", {"body": BODY.replace("Main St", "north Main St"), "channels": ["facebook"]}).json
    assert edited["revision"] == 2 and edited["state"] == "changes_requested"
    assert a.post(f"/drafts/{d}/submit").json["state"] == "pending_review"
    assert a.get(f"/drafts/{d}").json["approvals"] == []  # approvals of revision 1 no longer count
    # The reviewer who approved revision 1 decides revision 2 like anyone else.
    assert _decide(team["reviewer"], d, "approve", "review", revision=2).json["state"] == "pending_legal"
    assert _decide(team["legal"], d, "approve", "legal", revision=2).json["state"] == "pending_comms"
    assert _decide(team["comms"], d, "approve", "comms", revision=2).json["state"] == "approved"


def test_a_new_attachment_is_a_change(team, factory, session):
    d = _changes_requested_at(team, "legal")
    a = team["staff"]
    up = a.client.post(f"/api/v1/drafts/{d}/attachments", headers={"Authorization": f"Bearer {a.token}"},
                       data={"file": (__import__("io").BytesIO(PNG), "a.png"), "alt_text": "A grey square"},
                       content_type="multipart/form-data")
    assert up.status_code == 201
    draft = factory.submit(session.get(Draft, d))  # scans the new attachment, as the web does
    assert draft.state == "pending_review" and draft.current_revision == 2


def test_withdrawing_from_changes_requested_is_final(team):
    d = _changes_requested_at(team, "review")
    a = team["staff"]
    assert a.post(f"/drafts/{d}/withdraw").json["state"] == "withdrawn"
    assert a.post(f"/drafts/{d}/submit").status_code == 409
