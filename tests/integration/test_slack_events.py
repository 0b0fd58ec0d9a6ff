"""/slack/events refuses what it must: bad signatures, malformed payloads, and every forbidden click."""
from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from reviewq.integrations.slack.dispatch import deliver_due
from reviewq.models import Decision, Draft, OutboxMessage
from reviewq.clock import now_utc
from reviewq.extensions import db
from tests.fakes.slack_payloads import (SlackSide, block_actions, fake_slack, sign,  # noqa: F401 (fixtures)
                                        slack_settings)

pytestmark = pytest.mark.usefixtures("slack_settings")


def value(d, stage="review", revision=None) -> str:
    return json.dumps({"d": d.id, "r": revision or d.current_revision, "s": stage})


def ephemerals(app, fake) -> list[str]:
    with app.app_context():
        deliver_due(db, app.config["REVIEWQ"], now_utc() + timedelta(seconds=1))
    return [c.params["text"] for c in fake.called("chat.postEphemeral")]


def decisions(session) -> int:
    return session.scalar(select(func.count()).select_from(Decision))


@pytest.fixture
def pending(factory):
    author = factory.user("staff", slack_id="UAUTHOR1")
    reviewer = factory.user("reviewer", slack_id="UREV1")
    return author, reviewer, factory.submit(factory.draft(author))


def test_url_verification_challenge(client):
    body = json.dumps({"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"}).encode()
    resp = client.post("/slack/events", data=body, headers=sign(body), content_type="application/json")
    assert resp.status_code == 200
    assert resp.get_json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


@pytest.mark.parametrize("headers", [
    {},
    {"X-Slack-Request-Timestamp": str(int(time.time()))},
    {"X-Slack-Signature": "v0=abc"},
    "wrong-secret", "stale", "future", "tampered", "not-a-number",
])
def test_bad_or_stale_signatures_are_401(client, session, pending, headers):
    author, reviewer, d = pending
    body = SlackSide(client).post  # noqa: F841 (documentation: the same helper signs correctly)
    from urllib.parse import urlencode
    raw = urlencode({"payload": json.dumps(block_actions("UREV1", "approve", value(d)))}).encode()
    if headers == "wrong-secret":
        headers = sign(raw, secret="not-the-secret")
    elif headers == "stale":
        headers = sign(raw, ts=int(time.time()) - 6 * 60)
    elif headers == "future":
        headers = sign(raw, ts=int(time.time()) + 6 * 60)
    elif headers == "tampered":
        headers = sign(raw.replace(b"approve", b"reject"))
    elif headers == "not-a-number":
        headers = {**sign(raw), "X-Slack-Request-Timestamp": "yesterday"}
    resp = SlackSide(client).post({}, raw=raw, headers=headers)
    assert resp.status_code == 401 and "error" in resp.get_json()
    assert session.get(Draft, d.id, populate_existing=True).state == "pending_review"
    assert decisions(session) == 0


def test_no_signing_secret_configured_is_401(client, settings, pending):
    settings.slack_signing_secret = None
    resp = SlackSide(client).click("UREV1", "approve", value(pending[2]))
    assert resp.status_code == 401


@pytest.mark.parametrize("raw", [
    b"payload=not-json", b"nothing=here", b"payload=%5B1%2C2%5D", b"\xff\xfe",
    b"payload=" + json.dumps({"type": "block_actions", "user": {"id": "UREV1"}, "actions": []}).encode(),
    b"payload=" + json.dumps({"type": "block_actions", "user": {"id": "UREV1"}, "trigger_id": "t",
                              "actions": [{"action_id": "approve", "value": "{\"d\": \"1\"}"}]}).encode(),
    b"payload=" + json.dumps({"type": "block_actions", "user": {"id": "UREV1"}, "trigger_id": "t",
                              "actions": [{"action_id": "delete_everything", "value": "{}"}]}).encode(),
    b"payload=" + json.dumps({"type": "view_submission", "user": {"id": "UREV1"},
                              "view": {"callback_id": "reviewq_reason", "private_metadata": "[]"}}).encode(),
])
def test_malformed_payloads_are_400_json(client, session, pending, raw):
    resp = SlackSide(client).post({}, raw=raw, headers=sign(raw))
    assert resp.status_code == 400 and "error" in resp.get_json()
    assert decisions(session) == 0


def test_unknown_slack_user_is_told_and_nothing_changes(app, client, session, fake_slack, pending):
    author, reviewer, d = pending
    assert SlackSide(client).click("UNOBODY", "approve", value(d)).status_code == 200
    assert session.get(Draft, d.id, populate_existing=True).state == "pending_review"
    [text] = ephemerals(app, fake_slack.fake)
    assert "not linked" in text
    assert fake_slack.fake.called("chat.postEphemeral")[0].params["user"] == "UNOBODY"


def test_wrong_role_author_and_second_stage_are_refused(app, client, session, factory, fake_slack, pending):
    author, reviewer, d = pending
    factory.user("legal", slack_id="ULEGAL1")
    both = factory.user("reviewer", "legal", slack_id="UBOTH1")
    slack = SlackSide(client)
    slack.click("ULEGAL1", "approve", value(d))            # legal cannot decide review
    slack.click("UAUTHOR1", "approve", value(d))           # the author has no approver role
    assert decisions(session) == 0
    slack.click("UBOTH1", "approve", value(d))             # reviewer+legal approves review ...
    assert session.get(Draft, d.id, populate_existing=True).state == "pending_legal"
    slack.click("UBOTH1", "approve", value(d, "legal"))    # ... but may not approve legal as well
    assert session.get(Draft, d.id, populate_existing=True).state == "pending_legal"
    assert decisions(session) == 1
    texts = ephemerals(app, fake_slack.fake)
    assert len(texts) == 3
    assert "reviewer role" in texts[0] and "draft #" in texts[0]
    assert texts[1]  # the author is refused with an explanation
    assert "different person" in texts[2]


def test_author_holding_reviewer_role_cannot_decide_own_draft(app, client, session, factory, fake_slack):
    author = factory.user("staff", "reviewer", slack_id="USELF1")
    d = factory.submit(factory.draft(author))
    SlackSide(client).click("USELF1", "approve", value(d))
    assert decisions(session) == 0
    assert "own draft" in ephemerals(app, fake_slack.fake)[0]


def test_double_click_and_replay_decide_once_with_a_clear_message(app, client, session, fake_slack, pending):
    author, reviewer, d = pending
    slack = SlackSide(client)
    payload = block_actions("UREV1", "approve", value(d))
    assert slack.post(payload).status_code == 200
    assert slack.post(payload).status_code == 200   # the very same request again (replay)
    assert slack.click("UREV1", "approve", value(d)).status_code == 200  # a second click
    assert decisions(session) == 1
    texts = ephemerals(app, fake_slack.fake)
    assert len(texts) == 2 and all("already been decided" in t for t in texts)


def test_stale_revision_is_refused(app, client, session, factory, fake_slack, pending):
    author, reviewer, d = pending
    from reviewq.drafts.operations import edit_draft
    edit_draft(session, author, d.id, body="Flu shots at every clinic, now also on Saturdays.",
               channels=["facebook"], now=factory.tick())
    session.commit()
    factory.submit(session.get(Draft, d.id))
    SlackSide(client).click("UREV1", "approve", value(d, revision=1))
    assert decisions(session) == 0
    assert "revision" in ephemerals(app, fake_slack.fake)[0]


def test_reject_button_refused_before_the_modal_when_not_allowed(app, client, session, fake_slack, pending):
    author, reviewer, d = pending
    SlackSide(client).click("UAUTHOR1", "reject", value(d))
    assert fake_slack.fake.called("views.open") == []
    assert len(ephemerals(app, fake_slack.fake)) == 1


def test_reason_for_an_already_decided_stage_is_refused(app, client, session, factory, fake_slack, pending):
    author, reviewer, d = pending
    other = factory.user("reviewer", slack_id="UREV2")
    slack = SlackSide(client)
    slack.click("UREV2", "reject", value(d))
    meta = fake_slack.fake.called("views.open")[0].params["view"]["private_metadata"]
    slack.click("UREV1", "approve", value(d))            # someone else approves while the modal is open
    resp = slack.submit("UREV2", meta, "Not on brand.")
    assert resp.status_code == 200
    assert session.get(Draft, d.id, populate_existing=True).state == "pending_legal"
    assert decisions(session) == 1 and other.id
    assert "already been decided" in ephemerals(app, fake_slack.fake)[0]


def test_refusal_rows_are_the_only_writes(app, client, session, pending):
    author, reviewer, d = pending
    before = session.scalar(select(func.count()).select_from(OutboxMessage))
    SlackSide(client).click("UNOBODY", "approve", value(d))
    kinds = session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert len(kinds) == before + 1 and kinds[-1] == "slack.ephemeral"
