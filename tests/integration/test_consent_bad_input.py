"""Issue 11's bad input and expiry, the cases test_consent_people.py does not walk: a consent that
expires is refused at scheduling and held at release (both), a refused signed form leaves no file and no
row behind, the web form refuses the same things with the field named, and unknown kinds are refused."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from reviewq.consents import operations as svc
from reviewq.core.errors import ValidationError
from reviewq.extensions import db
from reviewq.models import Consent, Draft, ReleaseHold
from reviewq.releases.job import release_due
from reviewq.releases.operations import schedule_release
from tests.factories import csrf_from
from tests.integration.test_consent_people import EDNA, edna_consent, link


def _approved_story(session, factory, consent):
    approvers = factory.approvers()
    d = factory.draft(body=EDNA, channels=("facebook",))
    link(session, factory, d, consent, "Edna Morales")
    factory.submit(d)
    for role in ("reviewer", "legal", "comms"):
        factory.approve(d, approvers[role])
    return d, approvers


def test_scheduling_is_refused_once_a_linked_consent_has_expired(session, factory):
    c = edna_consent(session, factory, valid_until=factory.now + timedelta(hours=1))
    d, approvers = _approved_story(session, factory, c)
    later = factory.now + timedelta(hours=2)          # the consent ended an hour ago
    with pytest.raises(ValidationError) as e:
        schedule_release(session, approvers["comms"], d.id, release_at=later + timedelta(hours=1), now=later)
    assert "consent" in e.value.message.lower()
    assert session.get(Draft, d.id).state == "approved" and session.get(Draft, d.id).release_at is None


@pytest.mark.commits
def test_a_consent_that_expires_before_the_release_holds_the_post(app, session, factory):
    c = edna_consent(session, factory, valid_until=factory.now + timedelta(days=2))
    d, approvers = _approved_story(session, factory, c)
    schedule_release(session, approvers["comms"], d.id, release_at=factory.now + timedelta(days=1),
                     now=factory.tick())                 # in date when scheduled
    session.commit()
    # The worker reaches the post only after the consent ended (it was down for two days).
    assert release_due(db, app.config["REVIEWQ"], factory.now + timedelta(days=3)) == 1
    session.expire_all()
    d = session.get(Draft, d.id)
    [hold] = session.scalars(select(ReleaseHold).where(ReleaseHold.draft_id == d.id)).all()
    assert d.state == "scheduled" and d.published_at is None and "consent" in hold.reason.lower()
    assert list(app.config["REVIEWQ"].outbox_dir.glob("*.json")) == []


@pytest.mark.parametrize("kw,field", [
    (dict(covers=["tattoo"]), "covers"),
    (dict(covers="name"), "covers"),
    (dict(channels=["myspace"]), "channels"),
    (dict(subject_name=""), "subject_name"),
    (dict(subject_name=None), "subject_name"),
])
def test_unknown_kinds_and_missing_names_are_refused_whole(session, factory, kw, field):
    with pytest.raises(ValidationError) as e:
        svc.create_consent(session, factory.user("comms"), now=factory.now,
                           **{"subject_name": "Edna Morales", "covers": ["name"], **kw})
    assert field in e.value.fields
    assert session.scalar(select(func.count()).select_from(Consent)) == 0


def _files(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_refused_signed_form_stores_no_file_and_no_row(session, factory, app):
    up = app.config["REVIEWQ"].upload_dir
    before = _files(up)
    for data, kw in ((b"MZ\x90\x00 not a form", {}),                                   # an executable
                     (b"%PDF-1.4\n%broken", {}),                                        # a damaged PDF
                     (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, {}),                           # a damaged PNG
                     (b"%PDF-1.4", {"covers": []})):                                    # valid shape, bad record
        with pytest.raises(ValidationError):
            svc.create_consent(session, factory.user("comms"), now=factory.now, upload_dir=up,
                               form=io.BytesIO(data), **{"subject_name": "Edna Morales", "covers": ["name"], **kw})
    assert session.scalar(select(func.count()).select_from(Consent)) == 0
    assert _files(up) == before


def test_the_registry_form_names_each_refusal_and_saves_nothing(client, factory, login, session):
    login(factory.user("comms"))
    page = client.get("/consents")
    base = {"csrf_token": csrf_from(page), "subject_name": "Edna Morales", "covers": ["name"]}
    cases = [({"covers": []}, b"covers"),
             ({"valid_from": "2030-05-02", "valid_until": "2030-05-01"}, b"valid_until"),
             ({"subject_name": "   "}, b"subject_name")]
    for change, field in cases:
        r = client.post("/consents", data={**base, **change})
        assert r.status_code in (400, 422) and b'class="field-error"' in r.data, (change, r.status_code)
        assert b'id="' + field + b'-error"' in r.data, change   # the message sits under that field
    r = client.post("/consents", data={**base, "form_file": (io.BytesIO(b"just text"), "form.txt")},
                    content_type="multipart/form-data")
    assert r.status_code == 422 and b"PDF" in r.data
    assert session.scalar(select(func.count()).select_from(Consent)) == 0
