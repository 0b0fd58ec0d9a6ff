"""Stage SLA reminders: one reminder to the stage, then one escalation to the admins, once per stage visit."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from reviewq.integrations.slack.dispatch import deliver_due
from reviewq.integrations.slack.settings import REMINDERS_KEY, save_slack_settings
from reviewq.models import Draft, OutboxMessage, Setting
from reviewq.review.reminders import remind_due
from reviewq.extensions import db
from tests.fakes.slack_payloads import fake_slack, slack_settings  # noqa: F401 (fixtures)


def texts(fake, channel):
    return [c.params["text"] for c in fake.called("chat.postMessage") if c.params["channel"] == channel]


@pytest.mark.usefixtures("slack_settings")
def test_reminder_then_escalation_each_once(app, session, factory, fake_slack):
    admin = factory.user("admin", slack_id="UADMIN1")
    save_slack_settings(session, admin, channels={"admins": "C0ADMINS"}, remind_after_hours=24,
                        escalate_after_hours=48, now=factory.now, reason="Escalations to the admins channel")
    session.commit()
    factory.user("reviewer", slack_id="UREV1")
    d = factory.submit(factory.draft())
    entered = session.get(Draft, d.id).stage_entered_at
    fake = fake_slack.fake

    assert remind_due(db, app.config["REVIEWQ"], entered + timedelta(hours=23)) == 0
    assert remind_due(db, app.config["REVIEWQ"], entered + timedelta(hours=25)) == 1
    assert remind_due(db, app.config["REVIEWQ"], entered + timedelta(hours=26)) == 0          # one reminder per stage visit
    deliver_due(db, app.config["REVIEWQ"], entered + timedelta(hours=26))
    assert texts(fake, "DREV1")[-1] == f"Reminder: draft #{d.id} has waited 25 h for review"

    assert remind_due(db, app.config["REVIEWQ"], entered + timedelta(hours=47)) == 0
    assert remind_due(db, app.config["REVIEWQ"], entered + timedelta(hours=49)) == 1
    assert remind_due(db, app.config["REVIEWQ"], entered + timedelta(hours=72)) == 0
    deliver_due(db, app.config["REVIEWQ"], entered + timedelta(hours=72))
    assert texts(fake, "C0ADMINS") == [f"Overdue: draft #{d.id} has waited 49 h for review"]
    assert len(texts(fake, "DREV1")) == 2                                # the request and one reminder

    # A new stage starts a new clock.
    factory.approve(session.get(Draft, d.id), factory.user("reviewer"))
    legal_entered = session.get(Draft, d.id, populate_existing=True).stage_entered_at
    assert remind_due(db, app.config["REVIEWQ"], legal_entered + timedelta(hours=25)) == 1


@pytest.mark.usefixtures("slack_settings")
def test_reminder_cancelled_when_the_stage_is_decided_before_delivery(app, session, factory, fake_slack):
    factory.user("reviewer", slack_id="UREV1")
    d = factory.submit(factory.draft())
    entered = session.get(Draft, d.id).stage_entered_at
    remind_due(db, app.config["REVIEWQ"], entered + timedelta(hours=25))
    factory.approve(session.get(Draft, d.id), factory.user("reviewer"))
    deliver_due(db, app.config["REVIEWQ"], entered + timedelta(hours=26))
    reminder = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "slack.remind")).one()
    assert reminder.status == "cancelled"


def test_no_reminders_when_slack_is_off(app, session, factory):
    d = factory.submit(factory.draft())
    entered = session.get(Draft, d.id).stage_entered_at
    assert remind_due(db, app.config["REVIEWQ"], entered + timedelta(days=5)) == 0
    assert session.scalars(select(OutboxMessage)).all() == []


def test_reminder_settings_validate(session, factory):
    admin = factory.user("admin")
    from reviewq.core.errors import PermissionDeniedError, ValidationError
    with pytest.raises(ValidationError) as e:
        save_slack_settings(session, admin, channels={"review": "#approvals"}, remind_after_hours="x",
                            escalate_after_hours=2, now=factory.now)
    assert set(e.value.fields) == {"channel_review", "remind_after_hours", "reason"}   # every field named at once
    with pytest.raises(ValidationError):
        save_slack_settings(session, admin, channels={}, remind_after_hours=10, escalate_after_hours=5,
                            now=factory.now, reason="x")
    with pytest.raises(PermissionDeniedError):
        save_slack_settings(session, factory.user("comms"), channels={}, remind_after_hours=1,
                            escalate_after_hours=2, now=factory.now)
    session.rollback()
    assert session.get(Setting, REMINDERS_KEY) is None
