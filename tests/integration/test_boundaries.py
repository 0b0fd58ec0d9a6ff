"""Line endings are normalised once where text is stored; pages are offered only to who may use them (issue 16)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from reviewq.core.text import normalize_newlines
from reviewq.models import Draft
from tests.factories import csrf_from
from tests.integration.api_helpers import api_for

MULTI = "Flu shots this week.\nMain St clinic, 9-12.\n\nNo appointment needed."


def test_api_post_saved_unchanged_in_the_web_keeps_its_approvals(client, factory, login, session):
    author, reviewer = factory.user("staff"), factory.user("reviewer")
    api = api_for(client, factory, author)
    d = api.post("/drafts", {"body": MULTI, "channels": ["facebook"]}).json["id"]
    assert api.post(f"/drafts/{d}/submit").json["state"] == "pending_review"
    draft = session.get(Draft, d)
    factory.approve(draft, reviewer)
    login(author)
    page = client.get(f"/drafts/{d}/edit")
    # What a browser sends for the unchanged textarea: CRLF line breaks (HTML's form encoding).
    r = client.post(f"/drafts/{d}/edit", data={"csrf_token": csrf_from(page), "body": MULTI.replace("\n", "\r\n"),
                                               "channels": ["facebook"], "revision": "1"})
    assert r.status_code == 302
    session.expire_all()
    draft = session.get(Draft, d)
    assert draft.current_revision == 1 and draft.state == "pending_legal"
    assert [a.user_id for a in draft.standing_approvals()] == [reviewer.id]


def test_every_storing_entry_point_stores_lf_only(client, factory, login, session):
    author = factory.user("staff")
    api = api_for(client, factory, author)
    via_api = api.post("/drafts", {"body": "One\r\nTwo\rThree", "channels": ["x"]}).json
    assert via_api["body"] == "One\nTwo\nThree"
    login(author)
    page = client.get("/drafts/new")
    client.post("/drafts/new", data={"csrf_token": csrf_from(page), "body": "Web\r\npost", "channels": ["x"]})
    bodies = {r.body for d in session.query(Draft) for r in d.revisions}
    assert bodies == {"One\nTwo\nThree", "Web\npost"}
    d = factory.draft(author, body="Patient SSN\r\n123-45-6789 says hi.")
    assert d.revision.body == "Patient SSN\n123-45-6789 says hi."


def test_decision_comments_are_stored_lf_only(client, factory, session):
    reviewer = factory.user("reviewer")
    d = factory.submit(factory.draft())
    api = api_for(client, factory, reviewer)
    api.post(f"/drafts/{d.id}/decision", {"decision": "request_changes", "revision": 1, "expected_stage": "review",
                                           "comment": "Fix line one.\r\nAnd two."})
    session.expire_all()
    assert session.get(Draft, d.id).decisions[0].comment == "Fix line one.\nAnd two."


def test_scan_keeps_offsets_into_the_text_as_given(client, factory, tmp_path):
    text = "Hello\r\nPatient SSN 123-45-6789 says hi."
    start = text.index("123")
    api = api_for(client, factory, factory.user("staff"))
    found = api.post("/scan", {"text": text, "channels": ["x"]}).json["findings"]
    ssn = next(f for f in found if f["category"] == "ssn")
    assert (ssn["start"], ssn["end"]) == (start, start + 11)
    out = subprocess.run([sys.executable, "-m", "reviewq", "scan"], input=json.dumps({"id": 1, "text": text}) + "\n",
                         capture_output=True, text=True, timeout=120)
    assert out.returncode in (0, 1), out.stderr
    cli = next(f for f in json.loads(out.stdout.splitlines()[0])["findings"] if f["category"] == "ssn")
    assert (cli["start"], cli["end"]) == (start, start + 11)


def test_normalize_newlines_unit():
    assert normalize_newlines("a\r\nb\rc\nd") == "a\nb\nc\nd"
    assert normalize_newlines(None) is None and normalize_newlines(5) == 5


def test_auditors_get_no_new_draft_form(client, factory, login):
    login(factory.user("auditor"))
    r = client.get("/drafts/new")
    assert r.status_code == 403 and "<textarea" not in r.get_data(as_text=True)
    assert client.post("/drafts/new", data={"body": "x", "channels": ["x"]}).status_code in (400, 403)


@pytest.mark.parametrize("role", ["admin", "auditor"])
def test_other_peoples_edit_pages_are_not_offered(client, factory, login, role):
    d = factory.submit(factory.draft())
    login(factory.user(role))
    view = client.get(f"/drafts/{d.id}")
    assert view.status_code == 200 and f"/drafts/{d.id}/edit" not in view.get_data(as_text=True)
    r = client.get(f"/drafts/{d.id}/edit")
    assert r.status_code == 403 and "<textarea" not in r.get_data(as_text=True)


def test_the_author_is_still_offered_their_edit_page(client, factory, login):
    author = factory.user("staff")
    d = factory.draft(author)
    login(author)
    assert f"/drafts/{d.id}/edit" in client.get(f"/drafts/{d.id}").get_data(as_text=True)
    assert client.get(f"/drafts/{d.id}/edit").status_code == 200
