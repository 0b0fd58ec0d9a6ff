"""Consent registry: the service's permissions and audit, the API endpoints, and the web pages."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from reviewq.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from reviewq.models import AuditEvent, Consent
from reviewq.consents import operations as svc
from reviewq.consents import queries as consent_queries
from reviewq.drafts.checking import consents_of
from tests.factories import csrf_from
from tests.integration.api_helpers import api_for

STORY = "Meet our patient who beat her cancer. Watch her story in her own words."


def test_who_may_register_and_revoke(factory, session):
    for role in ("comms", "legal", "admin"):
        c = svc.create_consent(session, factory.user(role), subject_name="Maria Lopez", covers=["name"],
                               now=factory.tick())
        assert c.id
    for role in ("staff", "reviewer", "auditor"):
        with pytest.raises(PermissionDeniedError):
            svc.create_consent(session, factory.user(role), subject_name="X Y", covers=["name"], now=factory.tick())
    with pytest.raises(NotFoundError):  # issue 16: only the registry's keepers learn that an id exists
        svc.revoke_consent(session, factory.user("reviewer"), c.id, now=factory.tick())
    with pytest.raises(NotFoundError):
        svc.revoke_consent(session, factory.user("staff"), c.id, now=factory.tick())
    comms = factory.user("comms")
    svc.revoke_consent(session, comms, c.id, now=factory.tick())
    svc.revoke_consent(session, comms, c.id, now=factory.tick())
    session.commit()
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("consent.%"))).all()
    assert actions == ["consent.created"] * 3 + ["consent.revoked"]


def test_validation(factory, session):
    comms = factory.user("comms")
    now = factory.now
    bad = [dict(subject_name=" ", covers=["name"]), dict(subject_name="A B", covers=[]),
           dict(subject_name="A B", covers=["dna"]), dict(subject_name="A B", covers=["name"], channels=["fax"]),
           dict(subject_name="A B", covers=["name"], valid_from=now, valid_until=now - timedelta(days=1)),
           dict(subject_name="A B", covers=["name"], valid_from=now.replace(tzinfo=None))]
    fields = ["subject_name", "covers", "covers", "channels", "valid_until", "valid_from"]
    for kw, field in zip(bad, fields):
        with pytest.raises(ValidationError) as e:
            svc.create_consent(session, comms, now=now, **kw)
        assert field in e.value.fields
    assert session.scalar(select(func.count()).select_from(Consent)) == 0


def test_linking_feeds_the_next_submit(client, factory, session):
    staff, comms = factory.user("staff"), factory.user("comms")
    d = factory.draft(staff, body=STORY)
    a = api_for(client, factory, staff)
    blocked = a.post(f"/drafts/{d.id}/submit")
    assert blocked.status_code == 422 and any(f["check"] == "consent" for f in blocked.json["findings"])
    c = api_for(client, factory, comms).post("/consents", {"subject_name": "Maria Lopez",
                                                           "covers": ["video", "story"]})
    assert c.status_code == 201 and c.json["covers"] == ["story", "video"] and c.json["channels"] == []
    # Issue 16: the author links with the reference comms handed over, not with a bare id.
    assert a.post(f"/drafts/{d.id}/consents", {"consent_ids": [c.json["id"]]}).status_code == 422
    r = a.post(f"/drafts/{d.id}/consents", {"consent_ids": [c.json["reference"]]})
    assert r.status_code == 200 and [x["id"] for x in r.json["consents"]] == [c.json["id"]]
    assert a.post(f"/drafts/{d.id}/consents", {"consent_ids": [c.json["reference"]]}).status_code == 200  # no-op
    assert [ci.id for ci in consents_of(session, d)] == [c.json["id"]]
    assert a.get(f"/drafts/{d.id}").json["consents"][0]["subject_name"] == "Maria Lopez"
    submitted = a.post(f"/drafts/{d.id}/submit")
    assert submitted.status_code == 200, submitted.json
    assert [f["severity"] for f in submitted.json["findings"] if f["check"] == "consent"] == ["info"]
    linked = session.scalars(select(AuditEvent.action).where(AuditEvent.draft_id == d.id)).all()
    assert linked.count("consent.linked") == 1


def test_link_refusals(client, factory):
    staff, comms = factory.user("staff"), factory.user("comms")
    mine, theirs = factory.draft(staff), factory.draft()
    cm = api_for(client, factory, comms)
    cid = cm.post("/consents", {"subject_name": "Ann Lee", "covers": ["photo"]}).json["id"]
    a = api_for(client, factory, staff)
    assert a.post(f"/drafts/{theirs.id}/consents", {"consent_ids": [cid]}).status_code == 404
    assert a.post(f"/drafts/{mine.id}/consents", {"consent_ids": [cid + 100]}).json["fields"]["consent_ids"] \
        .startswith("unknown")
    assert a.post(f"/drafts/{mine.id}/consents", {"consent_ids": []}).status_code == 422
    ref = cm.get(f"/consents/{cid}").json["reference"]
    assert cm.post(f"/consents/{cid}/revoke").json["revoked"] is True
    r = a.post(f"/drafts/{mine.id}/consents", {"consent_ids": [ref]})
    assert r.status_code == 422 and "revoked" in r.json["error"]
    reviewer = api_for(client, factory, factory.user("reviewer"))
    pending = factory.submit(factory.draft())
    cid2 = cm.post("/consents", {"subject_name": "Bo Chen", "covers": ["name"]}).json["id"]
    assert reviewer.post(f"/drafts/{pending.id}/consents", {"consent_ids": [cid2]}).status_code == 403


def test_consent_api_reading_and_refusals(client, factory):
    cm = api_for(client, factory, factory.user("legal"))
    ids = [cm.post("/consents", {"subject_name": f"Person {i}", "covers": ["name"], "channels": ["x"],
                                 "valid_from": "2030-01-01T00:00:00Z", "valid_until": "2031-01-01T00:00:00+02:00"}
                   ).json["id"] for i in range(3)]
    one = cm.get(f"/consents/{ids[0]}").json
    assert one["valid_until"] == "2030-12-31T22:00:00Z" and one["channels"] == ["x"]
    page1 = cm.get("/consents?limit=2").json
    page2 = cm.get(f"/consents?limit=2&cursor={page1['next_cursor']}").json
    assert [c["id"] for c in page1["consents"] + page2["consents"]] == sorted(ids, reverse=True)
    assert [c["id"] for c in cm.get("/consents?q=person 1").json["consents"]] == [ids[1]]
    assert cm.post("/consents", {"subject_name": "A", "covers": ["name"],
                                 "valid_from": "2030-01-01T00:00:00"}).json["fields"]["valid_from"].startswith("naive")
    staff = api_for(client, factory, factory.user("staff"))
    assert staff.get("/consents").status_code == 403
    assert staff.get(f"/consents/{ids[0]}").status_code == 404
    assert staff.post("/consents", {"subject_name": "A", "covers": ["name"]}).status_code == 403
    assert cm.get("/consents/99999").status_code == 404
    assert cm.get("/consents?cursor=9999999999").json["fields"] == {"cursor": "out of range"}


def test_consent_pages(client, factory, login, session):
    login(factory.user("comms"))
    page = client.get("/consents")
    assert page.status_code == 200 and b"Register a consent" in page.data
    r = client.post("/consents", data={"subject_name": "Maria Lopez", "covers": ["name", "photo"],
                                       "channels": ["instagram"], "valid_until": "2030-05-01",
                                       "csrf_token": csrf_from(page)})
    assert r.status_code == 302
    c = session.scalars(select(Consent)).one()
    assert c.covers == ["name", "photo"] and c.channels == ["instagram"]
    assert c.valid_until.isoformat() == "2030-05-02T00:00:00+00:00"  # through the last day, org time zone UTC
    listing = client.get("/consents?q=maria")
    assert b"Maria Lopez" in listing.data
    bad = client.post("/consents", data={"subject_name": "", "csrf_token": csrf_from(listing)})
    assert bad.status_code == 400
    r = client.post(f"/consents/{c.id}/revoke", data={"csrf_token": csrf_from(listing)})
    assert r.status_code == 302
    session.expire_all()
    assert session.get(Consent, c.id).revoked_at is not None
    assert client.post(f"/consents/{c.id}/revoke", data={}).status_code == 400  # no CSRF token


def test_link_page_for_the_author(client, factory, login, session, app):
    staff, comms = factory.user("staff"), factory.user("comms")
    c = svc.create_consent(session, comms, subject_name="Ann Lee", covers=["name"], now=factory.now)
    session.commit()
    d = factory.draft(staff)
    login(staff)
    assert client.get("/consents").status_code == 403
    page = client.get(f"/consents/link?draft_id={d.id}")
    assert page.status_code == 200
    r = client.post(f"/consents/link?draft_id={d.id}", data={"consent_ids": f"{c.id}",
                                                             "csrf_token": csrf_from(page)})
    assert r.status_code == 422 and b"Ann Lee" not in r.data  # issue 16: a bare id names nothing
    ref = svc.consent_ref(app.config["REVIEWQ"].secret_key, c.id)
    r = client.post(f"/consents/link?draft_id={d.id}", data={"consent_ids": ref, "csrf_token": csrf_from(page)})
    assert r.status_code == 302
    assert b"Ann Lee" in client.get(f"/consents/link?draft_id={d.id}").data
    r = client.post(f"/consents/link?draft_id={d.id}", data={"consent_ids": "abc", "csrf_token": csrf_from(page)})
    assert r.status_code == 422
    assert client.get(f"/consents/link?draft_id={factory.draft().id}").status_code == 404


@pytest.mark.parametrize("role", ["staff", "reviewer", "auditor"])
def test_no_one_outside_the_registry_learns_which_consent_ids_exist(client, factory, role):
    cm = api_for(client, factory, factory.user("comms"))
    made = cm.post("/consents", {"subject_name": "Maria Lopez", "covers": ["name", "story"]}).json
    cid = made["id"]
    user = factory.user(role)
    d = factory.draft() if role == "auditor" else factory.draft(user)  # auditors write no drafts
    other = api_for(client, factory, user)

    def answers(consent_id, ref):
        got = other.get(f"/consents/{consent_id}")
        revoked = other.post(f"/consents/{consent_id}/revoke")
        by_id = other.post(f"/drafts/{d.id}/consents", {"consent_ids": [consent_id]})
        by_ref = other.post(f"/drafts/{d.id}/consents", {"consent_ids": [ref]})
        for r in (got, revoked, by_id, by_ref):
            assert "Maria" not in json.dumps(r.json) and "story" not in json.dumps(r.json)
        return [(r.status_code, json.dumps(r.json).replace(str(consent_id), "N").replace(ref, "R"))
                for r in (got, revoked, by_id, by_ref)]

    forged = f"{cid}-{'0' * 12}"
    assert answers(cid, forged) == answers(cid + 1, f"{cid + 1}-{'0' * 12}") == answers(2**31 - 1, f"{2**31 - 1}-{'0' * 12}")
    assert other.get("/consents").status_code == 403
    assert other.post(f"/drafts/{d.id}/consents", {"consent_ids": [made["reference"]]}).status_code == \
        (403 if role == "auditor" else 200)
