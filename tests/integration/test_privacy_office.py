"""The privacy office's contact (issue 11): consent requests and their answers reach it by e-mail and in
its Slack channel, as well as comms and the author, with numbers only; admins set it with a reason."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from reviewq.consents import tasks
from reviewq.consents.privacy_office import PRIVACY_KEY, privacy_office, set_privacy_office
from reviewq.core.errors import PermissionDeniedError, ValidationError
from reviewq.extensions import db
from reviewq.integrations.mail.dispatch import deliver_due as deliver_mail
from reviewq.integrations.slack.dispatch import deliver_due as deliver_slack
from reviewq.models import AuditEvent, Setting, SettingVersion
from tests.factories import csrf_from
from tests.fakes.slack_payloads import fake_slack, slack_settings  # noqa: F401 (fixtures)
from tests.fakes.smtp_server import PASSWORD, USER, SMTPServer
from tests.integration.test_consent_people import edna_consent

OFFICE = "privacy@hospital.example"


@pytest.fixture
def smtp(settings):
    with SMTPServer(auth=True) as server:
        settings.smtp_url = server.url(user=USER, password=PASSWORD)
        settings.mail_from = "reviewq@hospital.example"
        yield server


def _deliver(app, factory):
    with app.app_context():
        at = factory.now + timedelta(minutes=5)
        return deliver_mail(db, app.config["REVIEWQ"], at) + deliver_slack(db, app.config["REVIEWQ"], at)


def _mail_to(server, to):
    return [m["msg"] for m in server.inbox.messages if m["to"] == [to]]


@pytest.mark.usefixtures("slack_settings")
def test_a_request_and_its_answer_reach_the_privacy_office_both_ways(app, session, factory, smtp, fake_slack):
    admin = factory.user("admin")
    set_privacy_office(session, admin, email=OFFICE, slack_channel="C0PRIVACY", reason="DPO asked to be told",
                       now=factory.tick())
    author = factory.user("staff", email="author@hospital.example", slack_id="UAUTHOR9")
    comms = factory.user("comms", email="comms@hospital.example")
    d = factory.draft(author, body="Happy 100th birthday to our patient Edna Morales!")
    t = tasks.request_consent(session, author, d.id, subject_name="Edna Morales", now=factory.tick())
    session.commit()
    _deliver(app, factory)
    [asked] = _mail_to(smtp, OFFICE)
    assert f"#{d.id}" in asked["Subject"] + asked.get_content() and "Edna" not in asked.get_content()
    assert _mail_to(smtp, "comms@hospital.example")          # comms still hear it
    to_office = [p for p in fake_slack.fake.called("chat.postMessage") if p.params["channel"] == "C0PRIVACY"]
    assert len(to_office) == 1 and "asks for a patient consent" in json.dumps(to_office[0].params)

    c = edna_consent(session, factory, comms, task_id=t.id)   # comms record it from the task
    session.commit()
    _deliver(app, factory)
    answered = _mail_to(smtp, OFFICE)[1]
    assert f"no. {c.id}" in answered.get_content() and "author was told" in answered.get_content()
    assert _mail_to(smtp, "author@hospital.example")          # and the author is told
    to_office = [p for p in fake_slack.fake.called("chat.postMessage") if p.params["channel"] == "C0PRIVACY"]
    texts = json.dumps([p.params for p in to_office])
    assert len(to_office) == 2 and f"no. {c.id}" in texts and "Edna" not in texts and "Morales" not in texts
    assert any(p.params["channel"] == "DAUTHOR9" for p in fake_slack.fake.called("chat.postMessage"))


def test_without_a_contact_only_comms_and_the_author_hear(app, session, factory, smtp):
    author = factory.user("staff", email="a@hospital.example")
    factory.user("comms", email="c@hospital.example")
    d = factory.draft(author, body="Happy 100th birthday to our patient Edna Morales!")
    tasks.request_consent(session, author, d.id, subject_name="Edna Morales", now=factory.tick())
    session.commit()
    _deliver(app, factory)
    assert {tuple(m["to"]) for m in smtp.inbox.messages} == {("c@hospital.example",)}


def test_a_changed_address_cancels_mail_queued_for_the_old_one(app, session, factory, smtp):
    admin = factory.user("admin")
    set_privacy_office(session, admin, email=OFFICE, slack_channel="", reason="DPO", now=factory.tick())
    author = factory.user("staff")
    d = factory.draft(author, body="Happy 100th birthday to our patient Edna Morales!")
    tasks.request_consent(session, author, d.id, subject_name="Edna Morales", now=factory.tick())
    set_privacy_office(session, admin, email="dpo@hospital.example", slack_channel="", reason="New DPO",
                       now=factory.tick())
    session.commit()
    _deliver(app, factory)
    assert _mail_to(smtp, OFFICE) == [] and _mail_to(smtp, "dpo@hospital.example") == []


def test_setting_the_contact_needs_an_admin_a_reason_and_sane_values(session, factory):
    admin = factory.user("admin")
    with pytest.raises(PermissionDeniedError):
        set_privacy_office(session, factory.user("comms"), email=OFFICE, slack_channel="", reason="x",
                           now=factory.now)
    for email, channel, field in (("not-an-address", "", "privacy_email"), ("a@b", "", "privacy_email"),
                                  ("privacy@hospital.org\nBcc: x@y.z", "", "privacy_email"),
                                  ("", "#privacy", "privacy_slack_channel")):
        with pytest.raises(ValidationError) as e:
            set_privacy_office(session, admin, email=email, slack_channel=channel, reason="x", now=factory.now)
        assert field in e.value.fields
    with pytest.raises(ValidationError) as e:
        set_privacy_office(session, admin, email=OFFICE, slack_channel="", reason="  ", now=factory.now)
    assert e.value.fields == {"reason": "required"}
    assert session.get(Setting, PRIVACY_KEY) is None
    set_privacy_office(session, admin, email=" Privacy@Hospital.example ", slack_channel="C0PRIV", reason="DPO",
                       now=factory.now)
    assert privacy_office(session) == {"email": OFFICE, "slack_channel": "C0PRIV"}
    set_privacy_office(session, admin, email=OFFICE, slack_channel="C0PRIV", reason="", now=factory.now)  # same
    versions = session.scalars(select(SettingVersion).where(SettingVersion.key == PRIVACY_KEY)).all()
    assert [(v.reason, v.created_by_id) for v in versions] == [("DPO", admin.id)]


def test_admin_sets_the_contact_on_the_settings_page(client, factory, login, session):
    login(factory.user("admin"))
    page = client.get("/admin/settings")
    assert b"Privacy office" in page.data
    data = {"csrf_token": csrf_from(page), "mask_phi": "y", "privacy_email": OFFICE,
            "privacy_slack_channel": "C0PRIVACY"}
    r = client.post("/admin/settings", data=data)
    assert r.status_code == 422 and b"a reason is required" in r.data and b'aria-invalid="true"' in r.data
    session.expire_all()
    assert session.get(Setting, PRIVACY_KEY) is None
    r = client.post("/admin/settings", data={**data, "privacy_email": "nope"})
    assert r.status_code == 422 and b"privacy@hospital.org" in r.data
    r = client.post("/admin/settings", data={**data, "reason": "The DPO wants every request"})
    assert r.status_code == 302
    session.expire_all()
    assert privacy_office(session) == {"email": OFFICE, "slack_channel": "C0PRIVACY"}
    assert OFFICE.encode() in client.get("/admin/settings").data
    ev = session.scalars(select(AuditEvent).where(AuditEvent.action == "setting.change")
                         .order_by(AuditEvent.seq.desc())).first()
    assert ev.data["key"] == PRIVACY_KEY
