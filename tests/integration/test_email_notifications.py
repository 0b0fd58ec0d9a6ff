"""E-mail notifications end to end: outbox rows written with the change, sent by the worker over real SMTP
(aiosmtpd on 127.0.0.1), masked, retried, and off for users who turned them off."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from reviewq.extensions import db
from reviewq.integrations.mail.dispatch import deliver_due
from reviewq.models import AuditEvent, OutboxMessage, User
from reviewq.receivers.notify import notify_user
from tests.factories import csrf_from
from tests.fakes.slack_payloads import fake_slack, slack_settings  # noqa: F401 (fixtures)
from tests.fakes.smtp_server import PASSWORD, USER, SMTPServer, make_certificate


@pytest.fixture
def smtp(settings):
    with SMTPServer(auth=True) as server:
        settings.smtp_url = server.url(user=USER, password=PASSWORD)
        settings.mail_from = "reviewq@hospital.example"
        settings.base_url = "https://reviewq.example.org"
        yield server


def deliver(app, factory, minutes=1):
    with app.app_context():
        return deliver_due(db, app.config["REVIEWQ"], factory.now + timedelta(minutes=minutes))


def notice_row():
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "email.notice")
                             .execution_options(populate_existing=True))


def bodies(server, to):
    return [m["msg"] for m in server.inbox.messages if m["to"] == [to]]


def test_author_hears_every_decision_and_approvers_hear_their_stage(app, session, factory, smtp):
    author = factory.user("staff", email="author@hospital.example")
    reviewer = factory.user("reviewer", email="rev@hospital.example")
    legal = factory.user("legal", email="legal@hospital.example")
    d = factory.submit(factory.draft(author, body="Flu shots are available at every clinic this week."))
    assert deliver(app, factory) == 1
    [req] = bodies(smtp, "rev@hospital.example")
    assert req["Subject"] == f"reviewq: draft #{d.id} waits for review"
    assert req["From"] == "reviewq@hospital.example"
    assert f"https://reviewq.example.org/drafts/{d.id}" in req.get_content()
    assert "Flu shots" not in req.get_content()  # never the post itself

    factory.approve(d, reviewer, comment="Looks fine")
    assert deliver(app, factory) == 2  # the author's decision e-mail and legal's request
    [dec] = bodies(smtp, "author@hospital.example")
    assert dec["Subject"] == f"reviewq: draft #{d.id} review: approved"
    assert "Looks fine" in dec.get_content() and "Now waiting for legal" in dec.get_content()
    assert len(bodies(smtp, "legal@hospital.example")) == 1
    assert smtp.inbox.logins and all(smtp.inbox.logins)
    assert deliver(app, factory) == 0  # each sent exactly once
    assert legal.id


def test_comment_phi_is_masked_in_the_email(app, session, factory, smtp):
    author = factory.user("staff", email="a2@hospital.example")
    reviewer = factory.user("reviewer")
    d = factory.submit(factory.draft(author))
    factory.approve(d, reviewer, decision="request_changes",
                    comment="Remove the patient SSN 123-45-6789 first.")
    deliver(app, factory)
    [dec] = bodies(smtp, "a2@hospital.example")
    text = dec.get_content()
    assert "123-45-6789" not in text and "Remove the patient SSN █" in text
    assert "changes requested" in dec["Subject"]


def test_turned_off_on_the_account_page_no_email_and_audited(app, client, session, factory, login, smtp):
    author = factory.user("staff", email="quiet@hospital.example")
    reviewer = factory.user("reviewer")
    login(author)
    page = client.get("/account/notifications")
    assert page.status_code == 200 and b'id="email-notifications"' in page.data and b"checked" in page.data
    resp = client.post("/account/notifications", data={"csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    assert session.get(User, author.id, populate_existing=True).email_notifications is False
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "user.notifications"))
    assert b"checked" not in client.get("/account/notifications").data.split(b'id="email-notifications"')[0][-80:]
    d = factory.submit(factory.draft(author))
    factory.approve(d, reviewer, decision="reject", comment="No.")
    deliver(app, factory)
    assert bodies(smtp, "quiet@hospital.example") == []


def test_notifications_form_without_csrf_is_refused(app, client, factory, login, smtp):
    user = factory.user("staff")
    login(user)
    assert client.post("/account/notifications", data={"email": "y"}).status_code == 400


def test_freeze_mails_comms(app, session, factory, smtp):
    from reviewq.releases.freeze import freeze_releases
    comms = factory.user("comms", email="comms@hospital.example")
    freeze_releases(session, comms, reason="Incident at the ER; patient SSN 123-45-6789 in the news",
                    now=factory.tick())
    session.commit()
    deliver(app, factory)
    [m] = bodies(smtp, "comms@hospital.example")
    assert m["Subject"] == "reviewq: crisis freeze ON"
    assert "123-45-6789" not in m.get_content() and "Incident" in m.get_content()


def test_notify_user_public_function_masks_and_dedupes(app, session, factory, smtp):
    user = factory.user("staff", email="n@hospital.example")
    kinds = notify_user(session, user, "Consent expires", "The consent of SSN 123-45-6789 ends soon.",
                        "https://reviewq.example.org/consents/3", "consent:3:expiry", factory.now)
    assert kinds == ["email.notice"]
    assert notify_user(session, user, "Consent expires", "again", None, "consent:3:expiry", factory.now) == []
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "email.notice"))
    assert "123-45-6789" not in row.payload["text"]  # masked before it is stored
    session.commit()
    deliver(app, factory)
    [m] = bodies(smtp, "n@hospital.example")
    assert m["Subject"] == "Consent expires" and "/consents/3" in m.get_content()


def test_refused_recipient_is_retried_then_sent(app, session, factory, smtp):
    user = factory.user("staff", email="r@hospital.example")
    notify_user(session, user, "Hello", "text", None, "k1", factory.now)
    session.commit()
    smtp.inbox.refuse(451)
    deliver(app, factory)
    row = notice_row()
    assert row.status == "pending" and row.attempts == 1 and "451" in row.last_error
    deliver(app, factory, minutes=10)
    row = notice_row()
    assert row.status == "sent" and len(bodies(smtp, "r@hospital.example")) == 1


def test_permanent_refusal_fails_at_once(app, session, factory, smtp):
    user = factory.user("staff", email="gone@hospital.example")
    notify_user(session, user, "Hello", "text", None, "k2", factory.now)
    session.commit()
    smtp.inbox.refuse(550)
    deliver(app, factory)
    row = notice_row()
    assert row.status == "failed" and "550" in row.last_error


def test_wrong_password_is_retried_not_sent(app, session, factory, smtp, settings):
    settings.smtp_url = smtp.url(user=USER, password="wrong")
    settings.smtp_timeout = 2.0  # aiosmtpd goes quiet after a failed AUTH: the client's timeout ends it
    user = factory.user("staff", email="w@hospital.example")
    notify_user(session, user, "Hello", "text", None, "k3", factory.now)
    session.commit()
    deliver(app, factory)
    row = notice_row()
    assert row.status == "pending" and row.last_error and smtp.inbox.messages == []
    assert smtp.inbox.logins and not any(smtp.inbox.logins)


def test_header_injection_in_subject_stays_one_header(app, session, factory, smtp):
    user = factory.user("staff", email="h@hospital.example")
    notify_user(session, user, "Hi\r\nBcc: evil@example.com", "x", None, "k4", factory.now)
    session.commit()
    deliver(app, factory)
    [m] = bodies(smtp, "h@hospital.example")
    assert m["Bcc"] is None and smtp.inbox.messages[0]["to"] == ["h@hospital.example"]


@pytest.mark.parametrize("scheme", ["smtp", "smtps"])
def test_tls_starttls_and_smtps(app, session, factory, settings, tmp_path, monkeypatch, scheme):
    cert = make_certificate(tmp_path)
    # The client verifies the server's certificate against the system's trust store: point it at ours.
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))
    kw = {"starttls_cert": cert} if scheme == "smtp" else {"smtps_cert": cert}
    with SMTPServer(auth=True, **kw) as server:
        settings.smtp_url = server.url(scheme, USER, PASSWORD)
        user = factory.user("staff", email="tls@hospital.example")
        notify_user(session, user, "Hello", "over TLS", None, f"tls:{scheme}", factory.now)
        session.commit()
        deliver(app, factory)
        assert [m["tls"] for m in server.inbox.messages] == [True]


def test_notify_user_dms_on_slack_too(app, session, factory, smtp, fake_slack, slack_settings):
    from reviewq.integrations.slack.dispatch import deliver_due as deliver_slack
    fake = fake_slack.fake
    user = factory.user("staff", email="s@hospital.example", slack_id="UNOTICE1")
    kinds = notify_user(session, user, "Consent <expires>", "SSN 123-45-6789 & more", "https://x.example/c/1",
                        "both:1", factory.now)
    assert kinds == ["slack.notice", "email.notice"]
    session.commit()
    with app.app_context():
        assert deliver_slack(db, app.config["REVIEWQ"], factory.now + timedelta(minutes=1)) == 1
    [post] = [c for c in fake.called("chat.postMessage") if c.params["channel"] == "DNOTICE1"]
    text = str(post.params["blocks"])
    assert "123-45-6789" not in text and "&lt;expires&gt;" in text and "https://x.example/c/1" in text


def test_consent_revocation_mails_the_author_and_comms_without_names(app, session, factory, smtp):
    from reviewq.consents import operations as consents
    from tests.integration.test_consent_people import edna_consent, scheduled_story
    author = factory.user("staff", email="story-author@hospital.example")
    c = edna_consent(session, factory)
    d, approvers = scheduled_story(session, factory, c, author=author)
    approvers["comms"].email = "comms-lead@hospital.example"
    session.commit()
    deliver(app, factory, minutes=5)
    smtp.inbox.messages.clear()
    consents.revoke_consent(session, approvers["comms"], c.id, now=factory.tick())
    session.commit()
    deliver(app, factory, minutes=5)
    [to_author] = bodies(smtp, "story-author@hospital.example")
    [to_comms] = bodies(smtp, "comms-lead@hospital.example")
    assert f"#{d.id}" in to_author["Subject"] and "back with you" in to_author.get_content()
    assert "pulled back" in to_comms.get_content()
    for m in (to_author, to_comms):
        assert "Edna" not in m.as_string() and "Morales" not in m.as_string()
