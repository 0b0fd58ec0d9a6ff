"""Stage SLAs: one reminder to a stage's approvers, then one escalation to the admins.

A draft that has waited in a stage longer than `remind_after_hours` gets one
reminder (to the stage channel, or a DM to each approver); after
`escalate_after_hours` the admins get one escalation (the "admins" channel,
or a DM to each admin). Draft.reminded_at / escalated_at compared with
stage_entered_at make each happen once per stage visit. This job only writes
outbox rows; reviewq.integrations.slack.dispatch sends them. With Slack off it
does nothing.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from reviewq.core import roles as R
from reviewq.core import workflow as wf
from reviewq.integrations.slack import settings as slack_settings
from reviewq.integrations.slack.client import enabled
from reviewq.models import Draft
from reviewq.outbox import enqueue
from reviewq.receivers.notify import stage_targets

BATCH = 200
_PENDING = [s.value for s in wf.PENDING_STATES]


def remind_due(db, settings, now: datetime) -> int:
    """Worker job: enqueue the reminders and escalations that are due; returns how many drafts."""
    if not enabled(settings):
        return 0
    with db.transaction() as s:
        hours = slack_settings.reminder_hours(s)
        done = _remind(s, now, hours["remind_after_hours"])
        done += _escalate(s, now, hours["escalate_after_hours"])
    return done


def _due(session, now: datetime, after_hours: int, marker, *, reminded: bool) -> list[Draft]:
    q = (select(Draft).where(Draft.state.in_(_PENDING), Draft.stage_entered_at.is_not(None),
                             Draft.stage_entered_at <= now - timedelta(hours=after_hours),
                             or_(marker.is_(None), marker < Draft.stage_entered_at))
         .order_by(Draft.stage_entered_at).limit(BATCH))
    if reminded:  # escalate only what was reminded first, so the order is always reminder → escalation
        q = q.where(Draft.reminded_at >= Draft.stage_entered_at)
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True, of=Draft)
    return list(session.scalars(q).unique())


def _mark(session, drafts: list[Draft], column: str, now: datetime) -> None:
    # A bookkeeping stamp, not an edit: keep updated_at and the row version as they are.
    if drafts:
        session.execute(update(Draft).where(Draft.id.in_([d.id for d in drafts]))
                        .values({column: now, "updated_at": Draft.updated_at}))


def _enqueue(session, draft: Draft, stage: wf.Stage, targets: list[dict], now: datetime, *,
             escalation: bool) -> None:
    waited = int((now - draft.stage_entered_at).total_seconds() // 3600)
    kind = "escalate" if escalation else "remind"
    entered = draft.stage_entered_at.strftime("%Y%m%dT%H%M%S%f")
    for t in targets:
        who = t["channel"] if "channel" in t else f"u{t['user_id']}"
        enqueue(session, "slack.remind", f"slack:{kind}:{draft.id}:{stage.name}:{entered}:{who}",
                {"draft_id": draft.id, "revision": draft.current_revision, "stage": stage.name,
                 "hours": waited, "escalation": escalation, "target": t}, now=now, draft_id=draft.id)


def _remind(session, now: datetime, after_hours: int) -> int:
    drafts = _due(session, now, after_hours, Draft.reminded_at, reminded=False)
    for d in drafts:
        stage = wf.STAGE_BY_STATE[d.state_enum]
        exclude = {d.author_id, *(uid for _, uid in d.facts().approvals)}
        _enqueue(session, d, stage, stage_targets(session, stage.name, exclude=exclude), now, escalation=False)
    _mark(session, drafts, "reminded_at", now)
    return len(drafts)


def _escalate(session, now: datetime, after_hours: int) -> int:
    drafts = _due(session, now, after_hours, Draft.escalated_at, reminded=True)
    channel = slack_settings.stage_channels(session).get("admins")
    targets = [{"channel": channel}] if channel else [
        {"user_id": u.id} for u in slack_settings.slack_users_with_role(session, R.ADMIN)]
    for d in drafts:
        _enqueue(session, d, wf.STAGE_BY_STATE[d.state_enum], targets, now, escalation=True)
    _mark(session, drafts, "escalated_at", now)
    return len(drafts)
