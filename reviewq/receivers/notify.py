"""Slack and e-mail notifications as outbox rows, written in the sender's transaction.

Each receiver only decides *who* hears about a change and enqueues one
OutboxMessage per recipient with a deterministic dedupe key (same event, same
key), so a repeated signal cannot notify twice. Message content is built and
sent after commit by reviewq.integrations.slack.dispatch and
reviewq.integrations.mail.dispatch. With no SLACK_BOT_TOKEN no Slack row is
enqueued, with no REVIEWQ_SMTP_URL no e-mail row. E-mail goes to the author on
every decision, to each approver when a stage needs them, and to comms on a
freeze, to active users who have not turned it off; consent requests and their answers also go to
the privacy office's address and channel (reviewq.consents.privacy_office). notify_user() is the public
way for other code to tell one person something on both.
"""
from __future__ import annotations

from datetime import datetime

from reviewq import signals
from reviewq.accounts.queries import active_users_with_role
from reviewq.core import workflow as wf
from reviewq.integrations.slack import settings as slack_settings
from reviewq.integrations.mail import client as mail_client
from reviewq.integrations.slack.client import enabled
from reviewq.outbox import enqueue


_settings = None  # the process's config.Settings, given to connect() (no Flask: the worker sends signals too)


def slack_on() -> bool:
    return _settings is not None and enabled(_settings)


def mail_on() -> bool:
    return _settings is not None and mail_client.enabled(_settings)


def _mailable(user) -> bool:
    return user is not None and user.active and user.email_notifications and bool(user.email)


def notify_user(session, user, subject: str, text: str, link: str | None, key: str, now: datetime) -> list[str]:
    """Tell one person something on Slack (a DM, if they have a Slack id) and by e-mail (unless off).

    `text` may be typed by a person: it is masked (drafts.masking.mask_outbound) before it is stored
    in the outbox. `key` names the event (the same key twice notifies once). Returns the outbox kinds
    enqueued; rows only, sent by the worker after commit.
    """
    from reviewq.drafts.masking import mask_outbound
    text, subject = mask_outbound(session, text or ""), mask_outbound(session, subject or "")
    payload = {"user_id": user.id, "subject": subject[:200], "text": text[:4000], "link": link or ""}
    done = []
    if slack_on() and user.active and user.slack_user_id:
        if enqueue(session, "slack.notice", f"slack:notice:{key}:u{user.id}", payload, now=now):
            done.append("slack.notice")
    if mail_on() and _mailable(user):
        if enqueue(session, "email.notice", f"email:notice:{key}:u{user.id}", payload, now=now):
            done.append("email.notice")
    return done


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S%f")


def stage_targets(session, stage_name: str, *, exclude=()) -> list[dict]:
    """A stage's configured channel, or else a DM to each approver holding its role and a Slack id."""
    channel = slack_settings.stage_channels(session).get(stage_name)
    if channel:
        return [{"channel": channel}]
    role = wf.STAGE_BY_NAME[stage_name].role
    return [{"user_id": u.id} for u in slack_settings.slack_users_with_role(session, role) if u.id not in exclude]


def _target_key(target: dict) -> str:
    return target["channel"] if "channel" in target else f"u{target['user_id']}"


def on_stage_entered(draft, session, now, stage, **_):
    # The author and anyone who approved an earlier stage of this revision cannot decide this one.
    exclude = {draft.author_id, *(uid for _, uid in draft.facts().approvals)}
    if mail_on():
        for user in active_users_with_role(session, stage.role):
            if user.id not in exclude and _mailable(user):
                enqueue(session, "email.request",
                        f"email:request:{draft.id}:{draft.current_revision}:{stage.name}:{_stamp(now)}:u{user.id}",
                        {"draft_id": draft.id, "revision": draft.current_revision, "stage": stage.name,
                         "user_id": user.id}, now=now, draft_id=draft.id)
    if not slack_on():
        return
    for target in stage_targets(session, stage.name, exclude=exclude):
        key = f"slack:request:{draft.id}:{draft.current_revision}:{stage.name}:{_stamp(now)}:{_target_key(target)}"
        enqueue(session, "slack.request", key, {"draft_id": draft.id, "revision": draft.current_revision,
                                                "stage": stage.name, "target": target},
                now=now, draft_id=draft.id)


def on_decided(draft, session, now, decision, stage, **_):
    if mail_on() and _mailable(draft.author):
        enqueue(session, "email.decision", f"email:decision:{decision.id}",
                {"draft_id": draft.id, "decision_id": decision.id, "user_id": draft.author_id},
                now=now, draft_id=draft.id)
    if not slack_on():
        return
    enqueue(session, "slack.update", f"slack:update:{decision.id}",
            {"draft_id": draft.id, "revision": decision.revision_number, "stage": stage.name,
             "decision_id": decision.id}, now=now, draft_id=draft.id)
    if draft.author.slack_user_id:
        enqueue(session, "slack.author", f"slack:author:{decision.id}",
                {"draft_id": draft.id, "decision_id": decision.id}, now=now, draft_id=draft.id)


def _close_requests(draft, session, now, revision: int, from_state: str, note: str) -> None:
    stage = wf.STAGE_BY_STATE.get(wf.State(from_state))
    if stage is None or not slack_on():
        return
    enqueue(session, "slack.update", f"slack:close:{draft.id}:{revision}:{stage.name}:{_stamp(now)}",
            {"draft_id": draft.id, "revision": revision, "stage": stage.name, "note": note},
            now=now, draft_id=draft.id)


def on_edited(draft, session, now, revision, from_state, **_):
    _close_requests(draft, session, now, revision.number - 1, from_state,
                    f"The author edited the draft (now revision {revision.number}); this request is closed.")


def on_withdrawn(draft, session, now, from_state, **_):
    _close_requests(draft, session, now, draft.current_revision, from_state,
                    "The author withdrew the draft; this request is closed.")


def on_freeze_changed(sender, session, now, on, reason=None, actor=None, **_):
    who = getattr(actor, "name", "") or "reviewq"
    if mail_on():
        from reviewq.drafts.masking import mask_outbound
        masked = mask_outbound(session, reason or "")
        for user in active_users_with_role(session, "comms"):
            if _mailable(user):
                enqueue(session, "email.freeze", f"email:freeze:{'on' if on else 'off'}:{_stamp(now)}:u{user.id}",
                        {"on": bool(on), "reason": masked, "who": who, "user_id": user.id}, now=now)
    if not slack_on():
        return
    channel = slack_settings.stage_channels(session).get("comms")
    if channel:
        enqueue(session, "slack.freeze", f"slack:freeze:{'on' if on else 'off'}:{_stamp(now)}",
                {"channel": channel, "on": bool(on), "reason": reason or "",
                 "who": getattr(actor, "name", "") or "reviewq"}, now=now)


def _comms_targets(session) -> list[dict]:
    channel = slack_settings.stage_channels(session).get("comms")
    if channel:
        return [{"channel": channel}]
    return [{"user_id": u.id} for u in slack_settings.slack_users_with_role(session, "comms")]


def notify_consent(session, event: str, draft, consent_id, now: datetime, *, author: bool, comms: bool,
                   ref: str) -> None:
    """Outbox rows telling the author and/or comms about a consent event on `draft` (Slack and e-mail)."""
    if mail_on():
        _mail_consent(session, event, draft, consent_id, now, author=author, comms=comms, ref=ref)
    if not slack_on():
        return
    targets = []
    if author and draft.author.slack_user_id:
        targets.append(("author", {"user_id": draft.author_id}))
    if comms:
        targets += [("comms", t) for t in _comms_targets(session)]
    for audience, target in targets:
        enqueue(session, "slack.consent", f"slack:consent:{event}:{ref}:{_target_key(target)}",
                {"event": event, "audience": audience, "draft_id": draft.id, "consent_id": consent_id,
                 "target": target}, now=now, draft_id=draft.id)


def _mail_consent(session, event, draft, consent_id, now, *, author: bool, comms: bool, ref: str) -> None:
    from reviewq.integrations.slack.blocks import CONSENT_NOTICES  # the same wording as the Slack notice
    for_author, for_comms = CONSENT_NOTICES[event]
    recipients = ([(for_author, draft.author)] if author else []) + \
        ([(for_comms, u) for u in active_users_with_role(session, "comms")] if comms else [])
    for wording, user in recipients:
        if wording and _mailable(user):
            detail = wording.format(d=draft.id, c=consent_id or "?")
            enqueue(session, "email.notice", f"email:consent:{event}:{ref}:u{user.id}",
                    {"user_id": user.id, "subject": detail.split(":")[0][:200], "text": detail,
                     "link": f"{_settings.base_url}/drafts/{draft.id}"}, now=now, draft_id=draft.id)


def on_pulled_back(draft, session, now, consent, **_):
    notify_consent(session, "pulled_back", draft, consent.id, now, author=True, comms=True,
                   ref=f"{draft.id}:{consent.id}:{_stamp(now)}")


def on_consent_task_changed(task, session, now, change, **_):
    event = {"opened": "requested" if task.kind == "request" else "takedown", "answered": "answered"}.get(change)
    if event is None:
        return
    notify_consent(session, event, task.draft, task.consent_id, now, author=event == "answered",
                   comms=event != "answered", ref=f"t{task.id}")
    if event in ("requested", "answered"):
        notify_privacy_office(session, event, task.draft, task.consent_id, now, ref=f"t{task.id}")


def notify_privacy_office(session, event: str, draft, consent_id, now: datetime, *, ref: str) -> None:
    """Tell the privacy office (its e-mail address and/or Slack channel, when set) about a consent request
    or its answer; the same numbers-only wording as comms get."""
    from reviewq.consents.privacy_office import privacy_office
    from reviewq.integrations.slack.blocks import PRIVACY_NOTICES
    contact = privacy_office(session)
    if mail_on() and contact["email"]:
        detail = PRIVACY_NOTICES[event].format(d=draft.id, c=consent_id or "?")
        enqueue(session, "email.privacy", f"email:privacy:{event}:{ref}",
                {"to": contact["email"], "subject": detail.split(":")[0][:200], "text": detail,
                 "link": f"{_settings.base_url}/drafts/{draft.id}"}, now=now, draft_id=draft.id)
    if slack_on() and contact["slack_channel"]:
        target = {"channel": contact["slack_channel"]}
        enqueue(session, "slack.consent", f"slack:consent:{event}:{ref}:privacy",
                {"event": event, "audience": "privacy", "draft_id": draft.id, "consent_id": consent_id,
                 "target": target}, now=now, draft_id=draft.id)


def enqueue_ephemeral(session, *, ref: str, channel: str | None, slack_user: str, text: str,
                      now: datetime) -> None:
    """Tell one Slack user why their click changed nothing (only they see it)."""
    if channel and slack_on():
        enqueue(session, "slack.ephemeral", f"slack:eph:{ref}",
                {"channel": channel, "user": slack_user, "text": text}, now=now)


def connect(settings=None) -> None:
    """Connect the receivers; `settings` (config.Settings) says whether Slack is on in this process."""
    global _settings
    if settings is not None:
        _settings = settings
    signals.stage_entered.connect(on_stage_entered)
    signals.stage_approved.connect(on_decided)
    signals.changes_requested.connect(on_decided)
    signals.draft_rejected.connect(on_decided)
    signals.draft_edited.connect(on_edited)
    signals.draft_withdrawn.connect(on_withdrawn)
    signals.freeze_changed.connect(on_freeze_changed)
    signals.draft_pulled_back.connect(on_pulled_back)
    signals.consent_task_changed.connect(on_consent_task_changed)
