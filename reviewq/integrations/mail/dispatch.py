"""Delivery of the `email.*` outbox rows (run by `reviewq worker`).

prepare() re-reads what the e-mail needs in a short transaction and re-checks
that it is still wanted (the recipient still active and opted in, the stage
not decided yet); send() talks SMTP with no transaction open. Comments and
reasons go through drafts.masking.mask_outbound here; the free text of
notify_user() notices was masked when it was enqueued. Claiming, leases and
backoff are reviewq.outbox's.
"""
from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

from reviewq import outbox
from reviewq.core import workflow as wf
from reviewq.drafts.masking import mask_outbound
from reviewq.integrations.mail import client, messages
from reviewq.models import Decision, Draft, OutboxMessage, User
from reviewq.integrations.slack.cards import local_time
from reviewq.integrations.slack.dispatch import _next_step


@dataclass
class Mail:
    message: EmailMessage


class MailHandler:
    kind_prefix = "email."

    def __init__(self, settings):
        self.settings = settings

    def prepare(self, session, msg: OutboxMessage):
        if msg.kind == "email.privacy":
            return self._prepare_privacy(session, msg)
        user = session.get(User, msg.payload.get("user_id"))
        if user is None or not user.active or not user.email_notifications:
            return outbox.Cancelled("the recipient is inactive or turned e-mail off")
        prep = getattr(self, "_prepare_" + msg.kind.split(".", 1)[1], None)
        if prep is None:
            return outbox.Failed(f"unknown message kind {msg.kind}")
        built = prep(session, msg.payload, user)
        if isinstance(built, outbox.OUTCOMES):
            return built
        subject, lines, link = built
        return Mail(messages.build(sender=self.settings.mail_from, to_name=user.name, to_email=user.email,
                                   subject=subject, lines=lines, link=link, ref=msg.dedupe_key))

    def _link(self, draft_id: int) -> str:
        return f"{self.settings.base_url}/drafts/{draft_id}"

    def _prepare_decision(self, session, p, user):
        decision = session.get(Decision, p["decision_id"])
        if decision is None:
            return outbox.Cancelled("the decision no longer exists")
        stage = wf.STAGE_BY_NAME[decision.stage]
        comment = mask_outbound(session, decision.comment or "", decision.draft)
        subject, lines = messages.decision_lines(
            decision.draft_id, stage.label, decision.decision, decision.user.name,
            local_time(self.settings, decision.created_at), comment, _next_step(decision, stage))
        return subject, lines, self._link(decision.draft_id)

    def _prepare_request(self, session, p, user):
        draft = session.get(Draft, p["draft_id"])
        stage = wf.STAGE_BY_NAME[p["stage"]]
        if draft is None or draft.state != stage.state.value or draft.current_revision != p["revision"]:
            return outbox.Cancelled("the stage was decided or the draft changed before the e-mail went out")
        if not user.has(stage.role):
            return outbox.Cancelled("the recipient no longer has this stage's role")
        subject, lines = messages.request_lines(draft.id, stage.label, draft.author.name)
        return subject, lines, self._link(draft.id)

    def _prepare_freeze(self, session, p, user):
        subject, lines = messages.freeze_lines(p["on"], p["who"], mask_outbound(session, p.get("reason", "")))
        return subject, lines, self.settings.base_url + "/"

    def _prepare_privacy(self, session, msg: OutboxMessage):
        """The privacy office is an address, not a user: sent only while it is still the office's address."""
        from reviewq.consents.privacy_office import privacy_office
        p = msg.payload
        if privacy_office(session)["email"] != p.get("to"):
            return outbox.Cancelled("the privacy office's address changed before the e-mail went out")
        return Mail(messages.build(sender=self.settings.mail_from, to_name="Privacy office", to_email=p["to"],
                                   subject=p["subject"], lines=[p["text"]], link=p.get("link") or None,
                                   ref=msg.dedupe_key))

    def _prepare_notice(self, session, p, user):
        return p["subject"], [p["text"]], p.get("link") or None

    def send(self, mail: Mail):
        try:
            client.send(self.settings, mail.message)
        except client.MailError as e:
            return outbox.Retry(e.code) if e.retryable else outbox.Failed(e.code)
        return outbox.Sent({"message_id": mail.message["Message-ID"]})

    def record(self, session, msg, mail, result):
        pass


def deliver_due(db, settings, now) -> int:
    """Worker job: send every due e-mail; 0 when REVIEWQ_SMTP_URL is unset."""
    if not client.enabled(settings):
        return 0
    return outbox.deliver_due(db, MailHandler(settings), now)
