"""Approvals from Slack alone: requests go out, clicks decide, messages update, the author hears."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from reviewq.integrations.slack.dispatch import deliver_due
from reviewq.integrations.slack.settings import CHANNELS_KEY
from reviewq.clock import now_utc
from reviewq.models import AuditEvent, Decision, Draft, OutboxMessage, Setting, SlackMessage
from reviewq.extensions import db
from tests.fakes.slack_payloads import SlackSide, fake_slack, slack_settings  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("slack_settings")

SSN_POST = "Thanks to our nurses! Patient SSN 123-45-6789 says hi."


def deliver(app, factory):
    # Clicks are stamped with the real clock, the factory's actions with its own: deliver after both.
    with app.app_context():
        return deliver_due(db, app.config["REVIEWQ"], max(now_utc(), factory.now) + timedelta(seconds=1))


def people(factory):
    author = factory.user("staff", slack_id="UAUTHOR1")
    return author, {r: factory.user(r, slack_id=f"U{r.upper()}1") for r in ("reviewer", "legal", "comms")}


def requests_to(fake, channel):
    return [c for c in fake.called("chat.postMessage") if c.params["channel"] == channel
            and any(b.get("type") == "actions" for b in c.params.get("blocks", []))]


def button_value(call) -> str:
    actions = next(b for b in call.params["blocks"] if b["type"] == "actions")
    return actions["elements"][0]["value"]


def test_review_legal_comms_from_slack_alone(app, client, session, factory, fake_slack):
    author, approver = people(factory)
    d = factory.submit(factory.draft(author))
    assert deliver(app, factory) == 1  # one DM to the only reviewer with a Slack id
    fake = fake_slack.fake
    assert [c.params["users"] for c in fake.called("conversations.open")] == ["UREVIEWER1"]
    request = requests_to(fake, "DREVIEWER1")[0]
    assert json.loads(button_value(request)) == {"d": d.id, "r": 1, "s": "review"}
    assert f"https://reviewq.example.org/drafts/{d.id}" in json.dumps(request.params["blocks"])

    slack = SlackSide(client)
    for role, next_state in (("reviewer", "pending_legal"), ("legal", "pending_comms"), ("comms", "approved")):
        value = button_value(requests_to(fake, f"D{role.upper()}1")[-1])
        resp = slack.click(f"U{role.upper()}1", "approve", value, channel=f"D{role.upper()}1")
        assert resp.status_code == 200
        assert session.get(Draft, d.id, populate_existing=True).state == next_state
        deliver(app, factory)

    decisions = session.scalars(select(Decision).where(Decision.draft_id == d.id)).all()
    assert [(x.stage, x.via) for x in decisions] == [("review", "slack"), ("legal", "slack"), ("comms", "slack")]
    updates = fake.called("chat.update")
    assert len(updates) == 3 and all(not any(b["type"] == "actions" for b in u.params["blocks"]) for u in updates)
    assert "Approved" in json.dumps(updates[0].params["blocks"])
    author_dms = [c for c in fake.called("chat.postMessage") if c.params["channel"] == "DAUTHOR1"]
    assert len(author_dms) == 3 and "comms will schedule" in json.dumps(author_dms[-1].params["blocks"])
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.draft_id == d.id)).all()
    assert "decision.comms.approve" in actions


def test_stage_channel_gets_one_message_and_phi_is_masked(app, client, session, factory, fake_slack):
    session.add(Setting(key=CHANNELS_KEY, value={"review": "C0REVIEW"}))
    session.commit()
    author, approver = people(factory)
    body = "Thanks to Nurse Maria Gonzalez for the flowers 🌷 & <b>cake</b>."
    d = factory.submit(factory.draft(author, body=body))
    # The findings as the checks would store them for a justified name warning.
    start = body.index("Maria")
    rev = session.get(Draft, d.id).revision
    rev.findings = [{"check": "phi", "category": "name", "severity": "warn", "start": start, "end": start + 14,
                     "text": "Maria Gonzalez", "message": "This looks like a person's name.",
                     "policy": "phi.identifiers", "key": f"phi:name:{start}-{start + 14}"}]
    rev.justifications = {f"phi:name:{start}-{start + 14}": "She is our volunteer and agreed in writing."}
    session.commit()
    assert deliver(app, factory) == 1
    fake = fake_slack.fake
    [request] = requests_to(fake, "C0REVIEW")
    sent = json.dumps(request.params, ensure_ascii=False)
    assert "Maria" not in sent and "Gonzalez" not in sent
    assert "██████████████" in sent and "🌷 & <b>cake</b>" in sent  # plain_text: shown as written
    assert "She is our volunteer" in sent and "WARN" in sent
    assert fake.called("conversations.open") == []

    value = button_value(request)
    SlackSide(client).click("UREVIEWER1", "approve", value)
    deliver(app, factory)
    [update] = fake.called("chat.update")
    assert update.params["channel"] == "C0REVIEW" and update.params["ts"] == session.scalars(
        select(SlackMessage.ts).where(SlackMessage.stage == "review")).one()
    assert "Maria" not in json.dumps(update.params, ensure_ascii=False)


def test_request_changes_opens_modal_then_reason_decides(app, client, session, factory, fake_slack):
    author, approver = people(factory)
    d = factory.submit(factory.draft(author))
    deliver(app, factory)
    fake = fake_slack.fake
    value = button_value(requests_to(fake, "DREVIEWER1")[0])
    slack = SlackSide(client)
    assert slack.click("UREVIEWER1", "request_changes", value, channel="DREVIEWER1").status_code == 200
    opened = fake.called("views.open")
    assert len(opened) == 1
    meta = opened[0].params["view"]["private_metadata"]
    assert session.get(Draft, d.id, populate_existing=True).state == "pending_review"

    empty = slack.submit("UREVIEWER1", meta, "   ")
    assert empty.status_code == 200 and empty.get_json()["response_action"] == "errors"
    assert "reason" in empty.get_json()["errors"]
    assert session.get(Draft, d.id, populate_existing=True).state == "pending_review"

    assert slack.submit("UREVIEWER1", meta, "Please cite the flu clinic schedule.").status_code == 200
    assert session.get(Draft, d.id, populate_existing=True).state == "changes_requested"
    deliver(app, factory)
    author_dm = [c for c in fake.called("chat.postMessage") if c.params["channel"] == "DAUTHOR1"][-1]
    assert "Please cite the flu clinic schedule." in json.dumps(author_dm.params["blocks"])
    update = fake.called("chat.update")[-1]
    assert "Changes requested" in json.dumps(update.params["blocks"])


def test_slack_off_without_token_writes_no_slack_rows(app, session, factory, settings):
    settings.slack_bot_token = None
    author, approver = people(factory)
    d = factory.submit(factory.draft(author))
    factory.approve(d, approver["reviewer"])
    assert session.scalars(select(OutboxMessage).where(OutboxMessage.kind.startswith("slack."))).all() == []
    assert session.get(Draft, d.id).state == "pending_legal"
    assert deliver_due(db, app.config["REVIEWQ"], factory.now) == 0
    assert session.scalars(select(SlackMessage)).all() == []


def test_freeze_announced_to_the_comms_channel(app, session, factory, fake_slack):
    from reviewq.releases.freeze import freeze_releases, lift_freeze
    session.add(Setting(key=CHANNELS_KEY, value={"comms": "C0COMMS"}))
    session.commit()
    lead = factory.user("comms", name="Cam Comms")
    freeze_releases(session, lead, reason="Incident in the ER: hold everything.", now=factory.tick())
    session.commit()
    lift_freeze(session, lead, now=factory.tick(), reason="All clear")
    session.commit()
    deliver(app, factory)
    posts = [c for c in fake_slack.fake.called("chat.postMessage") if c.params["channel"] == "C0COMMS"]
    assert [p.params["text"] for p in posts] == ["Crisis freeze ON (Cam Comms): every release is held",
                                                 "Crisis freeze lifted (Cam Comms)"]
    assert "Incident in the ER" in json.dumps(posts[0].params["blocks"])
