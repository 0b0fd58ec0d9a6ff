"""Revoking a consent tells the author and comms in Slack (through the outbox), without names."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from reviewq.clock import now_utc
from reviewq.consents import operations as svc
from reviewq.consents import tasks
from reviewq.extensions import db
from reviewq.integrations.slack.dispatch import deliver_due
from tests.fakes.slack_payloads import fake_slack, slack_settings  # noqa: F401 (fixtures)
from tests.integration.test_consent_people import edna_consent, scheduled_story

pytestmark = pytest.mark.usefixtures("slack_settings")


def deliver(app, factory):
    with app.app_context():
        return deliver_due(db, app.config["REVIEWQ"], max(now_utc(), factory.now) + timedelta(seconds=1))


def test_revocation_messages_reach_author_and_comms(app, session, factory, fake_slack):
    author = factory.user("staff", slack_id="UAUTHOR1")
    c = edna_consent(session, factory)
    d, approvers = scheduled_story(session, factory, c, author=author)
    approvers["comms"].slack_user_id = "UCOMMS1"
    session.commit()
    deliver(app, factory)
    before = len(fake_slack.fake.called("chat.postMessage"))
    svc.revoke_consent(session, approvers["comms"], c.id, now=factory.tick())
    session.commit()
    deliver(app, factory)
    posts = fake_slack.fake.called("chat.postMessage")[before:]
    channels = {p.params["channel"] for p in posts}
    assert {"DAUTHOR1", "DCOMMS1"} <= channels
    texts = json.dumps([p.params for p in posts])
    assert f"#{d.id}" in texts and "Edna" not in texts and "Morales" not in texts


def test_a_consent_request_reaches_comms_and_the_answer_reaches_the_author(app, session, factory, fake_slack):
    author = factory.user("staff", slack_id="UAUTHOR2")
    comms = factory.user("comms", slack_id="UCOMMS2")
    d = factory.draft(author, body="Happy 100th birthday to our patient Edna Morales!")
    t = tasks.request_consent(session, author, d.id, subject_name="Edna Morales", now=factory.tick())
    session.commit()
    deliver(app, factory)
    assert any(p.params["channel"] == "DCOMMS2" for p in fake_slack.fake.called("chat.postMessage"))
    edna_consent(session, factory, comms, task_id=t.id)
    session.commit()
    deliver(app, factory)
    to_author = [p for p in fake_slack.fake.called("chat.postMessage") if p.params["channel"] == "DAUTHOR2"]
    assert to_author and "Edna" not in json.dumps(to_author[-1].params)
