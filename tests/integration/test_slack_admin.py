"""The Slack admin page: admins only; connection check, channels, Slack ids and outbox retries."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from reviewq import outbox
from reviewq.integrations.slack.settings import stage_channels
from reviewq.models import AuditEvent, OutboxMessage, User
from tests.factories import csrf_from
from tests.fakes.slack_payloads import fake_slack, slack_settings  # noqa: F401 (fixtures)


@pytest.fixture
def admin_page(client, factory, login):
    login(factory.user("admin"))
    page = client.get("/admin/slack")
    assert page.status_code == 200
    return page


def test_non_admins_get_403(client, factory, login):
    login(factory.user("comms", "reviewer"))
    assert client.get("/admin/slack").status_code == 403
    assert client.post("/admin/slack/check").status_code in (400, 403)


def test_anonymous_is_sent_to_login(client):
    assert client.get("/admin/slack").status_code == 302


@pytest.mark.usefixtures("slack_settings")
def test_connection_check_calls_auth_test(client, admin_page, fake_slack):
    resp = client.post("/admin/slack/check", data={"csrf_token": csrf_from(admin_page)})
    assert resp.status_code == 200 and b"Connected to Hospital as reviewq" in resp.data
    assert len(fake_slack.fake.called("auth.test")) == 1


def test_connection_check_with_slack_off(client, admin_page):
    resp = client.post("/admin/slack/check", data={"csrf_token": csrf_from(admin_page)})
    assert b"Slack is off" in resp.data or b"SLACK_BOT_TOKEN is not set" in resp.data


def test_channels_saved_and_bad_ids_refused(client, session, admin_page):
    token = csrf_from(admin_page)
    bad = client.post("/admin/slack/settings", data={"csrf_token": token, "channel_review": "#approvals",
                                                      "remind_after_hours": "24", "escalate_after_hours": "48"})
    assert bad.status_code == 422 and b"looks like C012ABCDEF" in bad.data
    assert stage_channels(session) == {}
    ok = client.post("/admin/slack/settings", data={"csrf_token": token, "channel_legal": "C0LEGAL",
                                                     "remind_after_hours": "8", "escalate_after_hours": "24"})
    assert ok.status_code == 422 and b"a reason is required" in ok.data   # every change is a version
    assert stage_channels(session) == {}
    ok = client.post("/admin/slack/settings", data={"csrf_token": token, "channel_legal": "C0LEGAL",
                                                     "remind_after_hours": "8", "escalate_after_hours": "24",
                                                     "reason": "Legal has its own channel"})
    assert ok.status_code == 302
    assert stage_channels(session) == {"legal": "C0LEGAL"}
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "setting.change")).first() is not None


def test_slack_id_mapping(client, session, factory, admin_page):
    token = csrf_from(admin_page)
    person = factory.user("reviewer")
    assert client.post(f"/admin/slack/users/{person.id}", data={"csrf_token": token,
                                                                "slack_id": "U0PERSON"}).status_code == 302
    assert session.get(User, person.id, populate_existing=True).slack_user_id == "U0PERSON"
    taken = factory.user("legal")
    resp = client.post(f"/admin/slack/users/{taken.id}", data={"csrf_token": token, "slack_id": "U0PERSON"})
    assert resp.status_code == 409
    assert client.post(f"/admin/slack/users/{taken.id}", data={"csrf_token": token,
                                                               "slack_id": "bob"}).status_code == 422
    assert client.post("/admin/slack/users/999999", data={"csrf_token": token, "slack_id": ""}).status_code == 404
    client.post(f"/admin/slack/users/{person.id}", data={"csrf_token": token, "slack_id": ""})
    assert session.get(User, person.id, populate_existing=True).slack_user_id is None


def test_failed_message_listed_and_retried(client, session, factory, admin_page):
    msg = outbox.enqueue(session, "slack.ephemeral", "k-failed", {"channel": "C1", "user": "U1", "text": "x"},
                         now=factory.now)
    msg.status, msg.attempts, msg.last_error = "failed", 8, "channel_not_found"
    session.commit()
    page = client.get("/admin/slack")
    assert b"channel_not_found" in page.data and b"Retry" in page.data
    resp = client.post(f"/admin/slack/outbox/{msg.id}/retry", data={"csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    m = session.get(OutboxMessage, msg.id, populate_existing=True)
    assert (m.status, m.attempts) == ("pending", 0)
    again = client.post(f"/admin/slack/outbox/{msg.id}/retry", data={"csrf_token": csrf_from(page)})
    assert again.status_code == 422
