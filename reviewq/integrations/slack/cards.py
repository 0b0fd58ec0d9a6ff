"""From database rows to the plain values blocks.py renders.

Applies PHI masking (reviewq.drafts.masking) to the post body and formats
times in the organisation's time zone. Reads only; sends nothing.
"""
from __future__ import annotations

from datetime import datetime

from reviewq.core import workflow as wf
from reviewq.core.roles import CHANNEL_LABELS
from reviewq.integrations.slack.blocks import DraftCard, Outcome
from reviewq.models import Decision, Draft
from reviewq.drafts.masking import mask_outbound, mask_phi, masking_on


def local_time(settings, dt: datetime | None) -> str:
    if dt is None:
        return ""
    loc = dt.astimezone(settings.tz)
    return f"{loc.strftime('%a %d %b %Y, %H:%M')} {loc.tzname()}"


def draft_card(session, settings, draft: Draft, stage: wf.Stage, revision: int | None = None) -> DraftCard:
    number = revision or draft.current_revision
    rev = next(r for r in draft.revisions if r.number == number)
    mask = masking_on(session)
    findings = tuple(rev.findings or ())
    link = f"{settings.base_url}/drafts/{draft.id}"
    attachments = tuple(
        (f"Attachment {i}: {a.get('content_type', 'file')}" + ("" if a.get("alt_text") else " (no alt text)"),
         f"{link}#attachment-{a['id']}") for i, a in enumerate(rev.attachments or (), start=1))
    return DraftCard(draft_id=draft.id, revision=number, stage=stage.name, stage_label=stage.label,
                     author=draft.author.name, body=mask_phi(rev.body, list(findings), on=mask), link=link,
                     channels=tuple(CHANNEL_LABELS.get(c, c) for c in rev.channels),
                     requested=local_time(settings, draft.requested_release_at) or None,
                     findings=findings, justifications=dict(rev.justifications or {}),
                     attachments=attachments, mask=mask)


def outcome_for(settings, decision: Decision, session=None) -> Outcome:
    """The decision as Slack shows it; the comment is masked like post text (it may quote PHI)."""
    comment = mask_outbound(session, decision.comment or "", decision.draft)
    return Outcome(decision.decision, who=decision.user.name, when=local_time(settings, decision.created_at),
                   comment=comment)
