"""Approval decisions at each stage, from any interface (web, API, Slack).

decide() locks the draft, asks the workflow, records the Decision row, moves
the draft through transitions.apply and sends the past-tense signal; the
receivers write the audit and outbox rows in the same transaction; the
caller's boundary commits. check_decide() is its side-effect-free twin: the
web uses it to show the decision buttons, Slack to refuse a click before it
asks for a reason. Neither commits.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.core import workflow as wf
from reviewq.core.errors import ConflictError, PermissionDeniedError, ReviewqError, ValidationError
from reviewq.core.text import normalize_newlines
from reviewq.drafts import transitions as T
from reviewq.drafts.queries import get_visible_draft
from reviewq.models import Decision, Draft, User

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
    _refuse_other_stage(draft, actor, expected_stage)
    transition = T.check(actor, draft, decision, revision=revision, comment=comment)
    stage = transition.stage
    row = Decision(draft_id=draft.id, revision_number=draft.current_revision, stage=stage.name, user_id=actor.id,
                   decision=decision, comment=comment.strip(), via=via, created_at=now)
    session.add(row)
    T.apply(draft, transition, now)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise ConflictError("Someone else decided this stage a moment ago.")
    kw = dict(session=session, actor=actor, now=now, decision=row, stage=stage)
    if transition.action == wf.Action.APPROVE:
        signals.stage_approved.send(draft, next_state=transition.to_state, **kw)
        if transition.to_state in wf.PENDING_STATES:
            signals.stage_entered.send(draft, session=session, now=now, stage=T.stage_waiting_in(draft))
    elif transition.action == wf.Action.REQUEST_CHANGES:
        signals.changes_requested.send(draft, **kw)
    else:
        signals.draft_rejected.send(draft, **kw)
    return row


def check_decide(actor: User, draft: Draft, *, revision: int | None = None,
                 expected_stage: str | None = None) -> wf.Stage:
    """May `actor` decide the stage `draft` waits in now? The Stage, or the ReviewqError decide() would raise.

    The three decisions share their guards (role, not the author, one person
    per stage of a revision, the revision seen); only the comment a refusal
    needs is checked by decide() itself, once it is given.
    """
    _refuse_other_stage(draft, actor, expected_stage)
    return T.check(actor, draft, T.Action.APPROVE,
                   revision=draft.current_revision if revision is None else revision).stage


def may_decide(actor: User, draft: Draft) -> wf.Stage | None:
    """The stage `actor` could decide now, or None: for showing buttons, never as the check itself."""
    try:
        return check_decide(actor, draft)
    except ReviewqError:
        return None


def _refuse_other_stage(draft: Draft, actor: User, expected_stage: str | None) -> None:
    stage_now = T.stage_waiting_in(draft)
    if expected_stage and (stage_now is None or stage_now.name != expected_stage):
        _explain_stage_moved(draft, actor, expected_stage)
    if stage_now is None or not actor.has(stage_now.role):
        _explain_if_already_decided(draft, actor)


def _explain_stage_moved(draft, actor: User, expected_stage: str) -> None:
    """ConflictError for a decision meant for a stage the draft no longer waits in, naming who decided it."""
    done = next((d for d in draft.decisions if d.stage == expected_stage and not d.voided
                 and d.revision_number == draft.current_revision), None)
    if done is None or expected_stage not in wf.STAGE_BY_NAME:
        raise ConflictError("This stage has already been decided.", state=draft.state)
    who = "you" if done.user_id == actor.id else done.user.name
    raise ConflictError(f"This stage has already been decided: {who} already decided the "
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
    stage = T.stage_waiting_in(draft)
    if stage is None:
        return
    raise PermissionDeniedError(f"This draft waits for {stage.label.lower()}; only the {stage.role} role "
                                "decides it.")
