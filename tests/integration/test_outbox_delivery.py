"""Outbox delivery through Slack faults: 429 Retry-After, 500s, permanent errors, leases, exactly once."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from reviewq import outbox
from reviewq.extensions import db
from reviewq.integrations.slack.dispatch import deliver_due
from reviewq.models import OutboxMessage, SlackMessage
from tests.fakes.slack_payloads import fake_slack, slack_settings  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("slack_settings")


@pytest.fixture
def one_request(factory, session):
    """A submitted draft whose review request (one DM) waits in the outbox."""
    author = factory.user("staff")
    factory.user("reviewer", slack_id="UREV1")
    d = factory.submit(factory.draft(author))
    [msg] = session.scalars(select(OutboxMessage)).all()
    return d, msg.id, factory.now


def row(session, msg_id) -> OutboxMessage:
    return session.get(OutboxMessage, msg_id, populate_existing=True)


def posts(fake):
    return fake.called("chat.postMessage")


def test_429_waits_for_retry_after_then_sends_once(app, session, fake_slack, one_request):
    d, msg_id, t0 = one_request
    fake = fake_slack.fake
    fake.fail("chat.postMessage", status=429, retry_after=30)
    assert deliver_due(db, app.config["REVIEWQ"], t0) == 1
    m = row(session, msg_id)
    assert (m.status, m.attempts, m.last_error) == ("pending", 1, "ratelimited")
    assert m.next_attempt_at == t0 + timedelta(seconds=30)
    assert deliver_due(db, app.config["REVIEWQ"], t0 + timedelta(seconds=29)) == 0      # not before Slack allows
    assert deliver_due(db, app.config["REVIEWQ"], t0 + timedelta(seconds=30)) == 1
    assert row(session, msg_id).status == "sent"
    assert deliver_due(db, app.config["REVIEWQ"], t0 + timedelta(hours=1)) == 0
    assert len(posts(fake)) == 2                                   # the refused call and the one that worked
    assert len(session.scalars(select(SlackMessage)).all()) == 1


def test_500s_back_off_exponentially_without_duplicates(app, session, fake_slack, one_request):
    d, msg_id, t0 = one_request
    fake = fake_slack.fake
    fake.fail("chat.postMessage", status=500, times=3)
    now, waits = t0, []
    for _ in range(3):
        deliver_due(db, app.config["REVIEWQ"], now)
        m = row(session, msg_id)
        waits.append((m.next_attempt_at - now).total_seconds())
        now = m.next_attempt_at
    assert waits == [5.0, 10.0, 20.0]
    deliver_due(db, app.config["REVIEWQ"], now)
    assert row(session, msg_id).status == "sent" and len(posts(fake)) == 4
    assert len(session.scalars(select(SlackMessage)).all()) == 1


def test_gives_up_after_max_attempts_and_admin_can_retry(app, session, factory, fake_slack, one_request):
    d, msg_id, t0 = one_request
    fake = fake_slack.fake
    fake.fail("chat.postMessage", status=500, times=outbox.MAX_ATTEMPTS)
    now = t0
    for _ in range(outbox.MAX_ATTEMPTS):
        deliver_due(db, app.config["REVIEWQ"], now)
        now = row(session, msg_id).next_attempt_at
    m = row(session, msg_id)
    assert (m.status, m.attempts, m.last_error) == ("failed", outbox.MAX_ATTEMPTS, "http_500")
    assert deliver_due(db, app.config["REVIEWQ"], now + timedelta(days=1)) == 0

    admin = factory.user("admin")
    with pytest.raises(Exception):
        outbox.retry_message(session, factory.user("reviewer"), msg_id, now)
    session.rollback()
    outbox.retry_message(session, admin, msg_id, now)
    session.commit()
    assert deliver_due(db, app.config["REVIEWQ"], now) == 1
    assert row(session, msg_id).status == "sent"


def test_permanent_error_fails_at_once(app, session, fake_slack, one_request):
    d, msg_id, t0 = one_request
    fake_slack.fake.fail("chat.postMessage", error="channel_not_found")
    deliver_due(db, app.config["REVIEWQ"], t0)
    m = row(session, msg_id)
    assert (m.status, m.attempts, m.last_error) == ("failed", 1, "channel_not_found")


def test_connection_refused_is_retried(app, session, settings, one_request):
    d, msg_id, t0 = one_request
    settings.slack_api_url = "http://127.0.0.1:9/api/"   # nothing listens on the discard port
    deliver_due(db, app.config["REVIEWQ"], t0)
    m = row(session, msg_id)
    assert m.status == "pending" and m.attempts == 1 and m.last_error.startswith("connection")


def test_claimed_row_is_not_sent_twice_and_lost_lease_is_not_recorded(app, session, fake_slack, one_request):
    d, msg_id, t0 = one_request
    with db.transaction() as s:
        ids, until = outbox.claim_due(s, "slack.", t0)
    assert ids == [msg_id]
    assert deliver_due(db, app.config["REVIEWQ"], t0) == 0                       # another worker holds the lease
    assert posts(fake_slack.fake) == []
    # The lease ran out; a second worker delivers. The first worker's late result is then ignored.
    assert deliver_due(db, app.config["REVIEWQ"], until + timedelta(seconds=1)) == 1
    with db.transaction() as s:
        assert outbox.finish(s, msg_id, until, outbox.Sent({"ts": "late"}), t0) is False
    assert row(session, msg_id).status == "sent" and len(posts(fake_slack.fake)) == 1


def test_enqueue_twice_with_one_key_is_one_row(session, factory):
    now = factory.now
    assert outbox.enqueue(session, "slack.ephemeral", "k1", {"x": 1}, now=now) is not None
    assert outbox.enqueue(session, "slack.ephemeral", "k1", {"x": 2}, now=now) is None
    session.commit()
    assert len(session.scalars(select(OutboxMessage)).all()) == 1


def test_request_for_a_stage_decided_before_delivery_is_cancelled(app, session, factory, fake_slack, one_request):
    d, msg_id, t0 = one_request
    factory.approve(d, factory.user("reviewer"))
    deliver_due(db, app.config["REVIEWQ"], factory.now)
    assert row(session, msg_id).status == "cancelled"
    assert not any(c.params.get("channel") == "DREV1" for c in posts(fake_slack.fake))
