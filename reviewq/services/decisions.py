"""Approval decisions at each stage, from any interface (web, API, Slack)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.core import workflow as wf
from reviewq.core.errors import ConflictError, PermissionDeniedError, ValidationError
from reviewq.core.text import normalize_newlines
from reviewq.models import Decision, User
from reviewq.services.common import get_visible_draft
from reviewq.services.drafts import enter_state

MAX_COMMENT = 5000


def _storable(text: str) -> bool:
    """False for NUL or a lone surrogate: Slack's JSON can carry "\\u0000" or "\\ud800", databases cannot."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def decide(session: Session, actor: User, draft_id, decision: str, *, revision, comment: str = "",
           now: datetime, via: str = "web", expected_stage: str | None = None) -> Decision:
    """Record `actor`'s decision on the stage the draft waits in.

    Holds the draft's row lock, so of two concurrent decisions on one stage
    exactly one is recorded; the other gets ConflictError (HTTP 409).
    """
    if decision not in {a.value for a in wf.DECISIONS}:
        raise ValidationError("Decide approve, request_changes or reject.", {"decision": "unknown decision"})
    if not isinstance(comment, str):
        raise ValidationError("The comment must be text.", {"comment": "not text"})
    comment = normalize_newlines(comment)
    if len(comment) > MAX_COMMENT:
        raise ValidationError(f"Keep the comment under {MAX_COMMENT} characters.", {"comment": "too long"})
    if not _storable(comment):
        raise ValidationError("The comment contains a character that cannot be stored.", {"comment": "bad character"})
    try:
        revision = int(revision) if revision is not None else None
    except (TypeError, ValueError):
        raise ValidationError("The revision is a number.", {"revision": "not a number"})
    draft = get_visible_draft(session, actor, draft_id, lock=True)
    stage_now = wf.STAGE_BY_STATE.get(draft.state_enum)
    if expected_stage and (stage_now is None or stage_now.name != expected_stage):
        _explain_stage_moved(draft, actor, expected_stage)
    if stage_now is None or not actor.has(stage_now.role):
        _explain_if_already_decided(draft, actor)
    transition = wf.decide(actor.actor(), draft.facts(), wf.Action(decision), revision=revision,
                           comment=comment)
    stage = transition.stage
    row = Decision(draft_id=draft.id, revision_number=draft.current_revision, stage=stage.name, user_id=actor.id,
                   decision=decision, comment=comment.strip(), via=via, created_at=now)
    session.add(row)
    enter_state(draft, transition.to_state, now)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise ConflictError("Someone else decided this stage a moment ago.")
    kw = dict(session=session, actor=actor, now=now, decision=row, stage=stage)
    if transition.action == wf.Action.APPROVE:
        signals.stage_approved.send(draft, next_state=transition.to_state, **kw)
        if transition.to_state in wf.PENDING_STATES:
            signals.stage_entered.send(draft, session=session, now=now,
                                       stage=wf.STAGE_BY_STATE[transition.to_state])
    elif transition.action == wf.Action.REQUEST_CHANGES:
        signals.changes_requested.send(draft, **kw)
    else:
        signals.draft_rejected.send(draft, **kw)
    return row


def _explain_stage_moved(draft, actor: User, expected_stage: str) -> None:
    """ConflictError for a decision meant for a stage the draft no longer waits in, naming who decided it."""
    done = next((d for d in draft.decisions if d.stage == expected_stage and not d.voided
                 and d.revision_number == draft.current_revision), None)
    if done is None or expected_stage not in wf.STAGE_BY_NAME:
        raise ConflictError("This stage has already been decided.", state=draft.state)
    who = "you" if done.user_id == actor.id else done.user.name
    raise ConflictError(f"This stage has already been decided: {who} decided the "
                        f"{wf.STAGE_BY_NAME[expected_stage].label.lower()} stage of this revision "
                        f"({done.decision.replace('_', ' ')}).", state=draft.state)


def _explain_if_already_decided(draft, actor: User) -> None:
    """Turn 'wrong role for this stage' into 'already decided' when that is what happened."""
    for d in draft.decisions:
        stage = wf.STAGE_BY_NAME[d.stage]
        if d.revision_number == draft.current_revision and not d.voided and actor.has(stage.role):
            who = "You" if d.user_id == actor.id else d.user.name
            raise ConflictError(f"{who} already decided the {stage.label.lower()} stage of this revision "
                                f"({d.decision.replace('_', ' ')}).", state=draft.state)
    if draft.state_enum not in wf.PENDING_STATES:
        return
    stage = wf.STAGE_BY_STATE[draft.state_enum]
    raise PermissionDeniedError(f"This draft waits for {stage.label.lower()}; only the {stage.role} role "
                                "decides it.")
