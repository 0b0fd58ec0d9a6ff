"""Delivery of the `slack.*` outbox rows (run by `reviewq worker`).

For each due row: read what the message needs in a short transaction
(re-checking that it is still wanted: a stage may have been decided since),
call Slack with no transaction open, then mark the row sent and remember the
posted message's ts in one transaction. Claiming, leases, backoff, 429
Retry-After and the attempt limit are reviewq.outbox's job; message layout is
blocks.py's; the HTTP calls are client.py's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from sqlalchemy import select

from reviewq import outbox
from reviewq.core import workflow as wf
from reviewq.integrations.slack import blocks, client
from reviewq.integrations.slack.cards import draft_card, outcome_for
from reviewq.models import Decision, Draft, OutboxMessage, SlackMessage, User
from reviewq.drafts.masking import mask_outbound

# Errors after which retrying the same message cannot help.
GONE = frozenset({"message_not_found", "cant_update_message", "channel_not_found", "is_archived"})


@dataclass
class Plan:
    """The Slack calls for one outbox row, decided before any network traffic."""

    op: str                      # post | update | ephemeral
    channel: str | None = None
    dm: str | None = None        # a Slack user id to open a DM with first
    text: str = ""
    blocks: list = field(default_factory=list)
    user: str | None = None
    updates: list = field(default_factory=list)   # [(channel, ts)]
    remember: dict | None = None  # SlackMessage fields for a posted approval request


class SlackHandler:
    kind_prefix = "slack."

    def __init__(self, settings):
        self.settings = settings

    def prepare(self, session, msg: OutboxMessage):
        prep = getattr(self, "_prepare_" + msg.kind.split(".", 1)[1], None)
        if prep is None:
            return outbox.Failed(f"unknown message kind {msg.kind}")
        return prep(session, msg, msg.payload)

    def _prepare_request(self, session, msg, p):
        draft = session.get(Draft, p["draft_id"])
        stage = wf.STAGE_BY_NAME[p["stage"]]
        if draft is None or draft.state != stage.state.value or draft.current_revision != p["revision"]:
            return outbox.Cancelled("the stage was decided or the draft changed before the request went out")
        text, blks = blocks.request_message(draft_card(session, self.settings, draft, stage))
        remember = {"draft_id": draft.id, "revision_number": p["revision"], "stage": stage.name}
        target = p["target"]
        if "channel" in target:
            return Plan("post", channel=target["channel"], text=text, blocks=blks, remember=remember)
        user = session.get(User, target["user_id"])
        if user is None or not user.active or not user.slack_user_id or not user.has(stage.role):
            return outbox.Cancelled("the approver no longer has this role or a Slack id")
        return Plan("post", dm=user.slack_user_id, text=text, blocks=blks, remember=remember)

    def _prepare_update(self, session, msg, p):
        if self._request_in_flight(session, msg):
            return outbox.Retry("an approval request for this stage is still being posted", after=5)
        posted = session.scalars(select(SlackMessage).where(
            SlackMessage.draft_id == p["draft_id"], SlackMessage.revision_number == p["revision"],
            SlackMessage.stage == p["stage"]).order_by(SlackMessage.id)).all()
        if not posted:
            return outbox.Sent({"updated": 0})
        draft = session.get(Draft, p["draft_id"])
        decision = session.get(Decision, p["decision_id"]) if p.get("decision_id") else None
        outcome = outcome_for(self.settings, decision, session) if decision else blocks.Outcome(None, note=p["note"])
        card = draft_card(session, self.settings, draft, wf.STAGE_BY_NAME[p["stage"]], revision=p["revision"])
        text, blks = blocks.request_message(card, outcome)
        return Plan("update", text=text, blocks=blks, updates=[(m.channel, m.ts) for m in posted])

    def _request_in_flight(self, session, msg) -> bool:
        rows = session.scalars(select(OutboxMessage).where(
            OutboxMessage.draft_id == msg.draft_id, OutboxMessage.kind == "slack.request",
            OutboxMessage.status == "pending", OutboxMessage.claimed_until.is_not(None))).all()
        return any(r.payload.get("stage") == msg.payload["stage"]
                   and r.payload.get("revision") == msg.payload["revision"] for r in rows)

    def _prepare_author(self, session, msg, p):
        decision = session.get(Decision, p["decision_id"])
        draft = session.get(Draft, p["draft_id"])
        if decision is None or draft is None or not draft.author.slack_user_id:
            return outbox.Cancelled("the author has no Slack id")
        stage = wf.STAGE_BY_NAME[decision.stage]
        text, blks = blocks.author_message(draft.id, stage.label, outcome_for(self.settings, decision, session),
                                           _next_step(decision, stage), _link(self.settings, draft.id))
        return Plan("post", dm=draft.author.slack_user_id, text=text, blocks=blks)

    def _prepare_remind(self, session, msg, p):
        draft = session.get(Draft, p["draft_id"])
        stage = wf.STAGE_BY_NAME[p["stage"]]
        if draft is None or draft.state != stage.state.value or draft.current_revision != p["revision"]:
            return outbox.Cancelled("the stage was decided before the reminder went out")
        text, blks = blocks.reminder_message(draft.id, stage.label, p["hours"], _link(self.settings, draft.id),
                                             escalation=p["escalation"])
        target = p["target"]
        if "channel" in target:
            return Plan("post", channel=target["channel"], text=text, blocks=blks)
        user = session.get(User, target["user_id"])
        if user is None or not user.slack_user_id:
            return outbox.Cancelled("the recipient has no Slack id")
        return Plan("post", dm=user.slack_user_id, text=text, blocks=blks)

    def _prepare_freeze(self, session, msg, p):
        text, blks = blocks.freeze_message(p["on"], p["who"], mask_outbound(session, p["reason"]),
                                          self.settings.base_url)
        return Plan("post", channel=p["channel"], text=text, blocks=blks)

    def _prepare_consent(self, session, msg, p):
        text, blks = blocks.consent_message(p["event"], p["audience"], p["draft_id"], p.get("consent_id"),
                                            _link(self.settings, p["draft_id"]))
        target = p["target"]
        if "channel" in target:
            return Plan("post", channel=target["channel"], text=text, blocks=blks)
        user = session.get(User, target["user_id"])
        if user is None or not user.active or not user.slack_user_id:
            return outbox.Cancelled("the recipient has no Slack id")
        return Plan("post", dm=user.slack_user_id, text=text, blocks=blks)

    def _prepare_notice(self, session, msg, p):
        # The text was masked when notify_user() enqueued it.
        user = session.get(User, p["user_id"])
        if user is None or not user.active or not user.slack_user_id:
            return outbox.Cancelled("the recipient is inactive or has no Slack id")
        text, blks = blocks.notice_message(p["subject"], p["text"], p.get("link") or None)
        return Plan("post", dm=user.slack_user_id, text=text, blocks=blks)

    def _prepare_ephemeral(self, session, msg, p):
        return Plan("ephemeral", channel=p["channel"], user=p["user"], text=mask_outbound(session, p["text"]))

    def send(self, plan: Plan):
        try:
            if plan.op == "ephemeral":
                client.post_ephemeral(self.settings, plan.channel, plan.user, plan.text)
                return outbox.Sent({})
            if plan.op == "update":
                return self._send_updates(plan)
            channel = client.open_dm(self.settings, plan.dm) if plan.dm else plan.channel
            channel, ts = client.post_message(self.settings, channel, plan.text, plan.blocks)
            return outbox.Sent({"channel": channel, "ts": ts})
        except client.SlackCallError as e:
            return _outcome_of(e)

    def _send_updates(self, plan: Plan):
        gone = []
        for channel, ts in plan.updates:
            try:
                client.update_message(self.settings, channel, ts, plan.text, plan.blocks)
            except client.SlackCallError as e:
                if e.code not in GONE:
                    return _outcome_of(e)  # chat.update is idempotent: redoing the others is harmless
                gone.append(ts)
        return outbox.Sent({"updated": len(plan.updates) - len(gone), "gone": gone})

    def record(self, session, msg, plan, result):
        if isinstance(plan, Plan) and plan.remember and result.get("ts"):
            session.add(SlackMessage(**plan.remember, channel=result["channel"], ts=result["ts"],
                                     outbox_id=msg.id, posted_at=msg.sent_at))


def _outcome_of(e: client.SlackCallError):
    return outbox.Retry(e.code, after=e.retry_after) if e.retryable else outbox.Failed(e.code)


def _link(settings, draft_id: int) -> str:
    return f"{settings.base_url}/drafts/{draft_id}"


def _next_step(decision: Decision, stage: wf.Stage) -> str:
    if decision.decision == "request_changes":
        return "Edit the draft and submit it again."
    if decision.decision == "reject":
        return "The draft is closed."
    following = wf.next_after(stage)
    if following == wf.State.APPROVED:
        return "Every stage approved: comms will schedule the release."
    return f"Now waiting for {wf.STAGE_BY_STATE[following].label.lower()}."


def deliver_due(db, settings, now) -> int:
    """Worker job: deliver every due Slack message; 0 when Slack is off."""
    if not client.enabled(settings):
        return 0
    return outbox.deliver_due(db, SlackHandler(settings), now)

