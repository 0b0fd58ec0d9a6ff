"""JSON API: the approval chain, decisions and their refusals, scheduling, the calendar and the queue."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from reviewq.models import Decision, Draft
from reviewq.clock import now_utc
from tests.integration.api_helpers import api_for


def _iso(dt):
    return dt.isoformat().replace("+00:00", "Z")


def test_staff_to_scheduled_through_the_api_only(client, factory):
    staff, reviewer = factory.user("staff"), factory.user("reviewer")
    legal, comms = factory.user("legal"), factory.user("comms")
    a, r, lg, c = (api_for(client, factory, u) for u in (staff, reviewer, legal, comms))
    d = a.post("/drafts", {"body": "Our flu clinic is open Saturday 9-12 at the Main St entrance.",
                           "channels": ["facebook", "x"]}).json
    assert a.post(f"/drafts/{d['id']}/submit").json["state"] == "pending_review"
    assert [x["id"] for x in r.get("/queue").json["drafts"]] == [d["id"]]
    assert r.get("/queue").json["counts"]["review"] == 1
    got = r.post(f"/drafts/{d['id']}/decision", {"decision": "approve", "revision": 1, "expected_stage": "review"})
    assert got.status_code == 200 and got.json["state"] == "pending_legal"
    assert lg.post(f"/drafts/{d['id']}/decision", {"decision": "approve", "revision": 1, "expected_stage": "legal"}).json["state"] \
        == "pending_comms"
    done = c.post(f"/drafts/{d['id']}/decision", {"decision": "approve", "revision": 1, "expected_stage": "comms", "comment": "Good."}).json
    assert done["state"] == "approved"
    assert [(x["stage"], x["user"]["id"]) for x in done["approvals"]] == \
        [("review", reviewer.id), ("legal", legal.id), ("comms", comms.id)]
    when = (now_utc() + timedelta(days=3)).replace(microsecond=0)
    assert a.post(f"/drafts/{d['id']}/schedule", {"release_at": _iso(when)}).status_code == 403
    s = c.post(f"/drafts/{d['id']}/schedule", {"release_at": _iso(when), "channels": ["x"]})
    assert s.status_code == 200, s.json
    assert s.json["state"] == "scheduled" and s.json["release_at"] == _iso(when) and s.json["channels"] == ["x"]
    assert isinstance(s.json["release_warnings"], list)
    cal = a.get("/calendar", query_string={"from": _iso(when - timedelta(hours=1)),
                                           "to": _iso(when + timedelta(hours=1))})
    assert [e["id"] for e in cal.json["entries"]] == [d["id"]]
    assert c.get("/calendar", query_string={"from": _iso(when + timedelta(hours=1))}).json["entries"] == []
    actions = [h["action"] for h in a.get(f"/drafts/{d['id']}").json["history"]]
    assert actions[:5] == ["draft.create", "draft.submit", "decision.review.approve", "decision.legal.approve",
                           "decision.comms.approve"] and "release.schedule" in actions
    assert [x["via"] for x in done["decisions"]] == ["api"] * 3
    back = c.post(f"/drafts/{d['id']}/unschedule", {"reason": "Clinic closed for storm."})
    assert back.status_code == 200 and back.json["state"] == "approved"


def test_schedule_refusals(client, factory):
    comms = factory.user("comms")
    d = factory.approved_draft()
    c = api_for(client, factory, comms)
    past = _iso(now_utc() - timedelta(days=1))
    assert c.post(f"/drafts/{d.id}/schedule", {"release_at": past}).json["fields"] == {"release_at": "in the past"}
    r = c.post(f"/drafts/{d.id}/schedule", {"release_at": "2031-01-01T10:00:00"})
    assert r.status_code == 422 and "release_at" in r.json["fields"]
    r = c.post(f"/drafts/{d.id}/schedule", {"release_at": "0001-01-01T00:00:00Z"})
    assert r.status_code == 422 and "release_at" in r.json["fields"]
    pending = factory.submit(factory.draft())
    r = c.post(f"/drafts/{pending.id}/schedule", {"release_at": _iso(now_utc() + timedelta(days=1))})
    assert r.status_code in (404, 409)  # comms cannot see a draft still in review


def test_decision_refusals(client, factory, session):
    reviewer = factory.user("reviewer")
    d = factory.submit(factory.draft())
    r = api_for(client, factory, reviewer)
    stale = r.post(f"/drafts/{d.id}/decision", {"decision": "approve", "revision": 7, "expected_stage": "review"})
    assert stale.status_code == 409 and "revision" in stale.json["error"]
    assert r.post(f"/drafts/{d.id}/decision", {"decision": "reject", "revision": 1, "expected_stage": "review"}).json["fields"] \
        == {"comment": "required"}
    assert r.post(f"/drafts/{d.id}/decision", {"decision": "maybe", "revision": 1}).status_code == 422
    assert r.post(f"/drafts/{d.id}/decision", {"decision": "approve"}).json["fields"] == {"revision": "required"}
    author = api_for(client, factory, d.author)
    assert author.post(f"/drafts/{d.id}/decision", {"decision": "approve", "revision": 1, "expected_stage": "review"}).status_code == 403
    assert session.scalar(select(Decision.id)) is None
    other = factory.user("reviewer")
    assert r.post(f"/drafts/{d.id}/decision", {"decision": "request_changes", "revision": 1, "expected_stage": "review",
                                               "comment": "Name the clinic."}).json["state"] == "changes_requested"
    lost = api_for(client, factory, other).post(f"/drafts/{d.id}/decision", {"decision": "approve", "revision": 1, "expected_stage": "review"})
    assert lost.status_code == 409


def test_calendar_refusals(client, factory):
    api = api_for(client, factory, factory.user("comms"))
    assert api.get("/calendar?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z").status_code == 422
    assert api.get("/calendar?from=2030-01-01T00:00:00Z&to=2032-01-01T00:00:00Z").json["fields"] == \
        {"to": "range too long"}
    assert api.get("/calendar?from=2030-01-01").json["fields"]["from"].startswith("naive")
    assert api.get("/calendar?state=draft").status_code == 422
    assert api.get("/calendar").status_code == 200


def test_queue_excludes_own_drafts_and_other_stages(client, factory):
    both = factory.user("staff", "reviewer")
    mine = factory.submit(factory.draft(both))
    theirs = factory.submit(factory.draft())
    q = api_for(client, factory, both).get("/queue").json
    assert [x["id"] for x in q["drafts"]] == [theirs.id] and mine.id != theirs.id
    # Issue 16: the queue is for approvers, as the docs say.
    for role in ("staff", "admin", "auditor"):
        r = api_for(client, factory, factory.user(role)).get("/queue")
        assert r.status_code == 403 and "error" in r.json


def test_api_decisions_name_their_stage(client, factory, session):
    # Issue 16: a reviewer+legal user approving review must not land on legal after losing a race.
    both, other = factory.user("reviewer", "legal"), factory.user("reviewer")
    d = factory.submit(factory.draft())
    api = api_for(client, factory, both)
    missing = api.post(f"/drafts/{d.id}/decision", {"decision": "approve", "revision": 1})
    assert missing.status_code == 400 and missing.json["fields"] == {"expected_stage": "required"}
    factory.approve(d, other)  # the other reviewer wins the race: the draft is now in legal
    late = api.post(f"/drafts/{d.id}/decision", {"decision": "approve", "revision": 1, "expected_stage": "review"})
    assert late.status_code == 409
    session.expire_all()
    assert session.get(Draft, d.id).state == "pending_legal"
    assert [x.stage for x in session.get(Draft, d.id).decisions] == ["review"]
    bad = api.post(f"/drafts/{d.id}/decision", {"decision": "approve", "revision": 1, "expected_stage": "x"})
    assert bad.status_code == 422
